// A unit test that needs a tool the machine may lack (a compiler) skips without it, except
// where everything is meant to be installed: under FERRY_NO_SKIP=1 (scripts/test.sh, as CI
// runs it) the missing tool fails the test, so no test passes in CI by not running.
#pragma once

#include <cstdlib>
#include <doctest/doctest.h>
#include <string>
#include <string_view>

namespace ferry::test {

inline bool skips_forbidden() {
    const char* value = std::getenv("FERRY_NO_SKIP");
    return value && *value && std::string_view(value) != "0";
}

// True when the test should go on without what `reason` names: logged, or a failure
// (FAIL_CHECK: the rest of the test still runs) under FERRY_NO_SKIP.
//   if (skip_unless(have("gcc"), "no gcc")) return;
inline bool skip_unless(bool present, const std::string& reason) {
    if (present) return false;
    if (skips_forbidden())
        FAIL_CHECK("cannot skip under FERRY_NO_SKIP: ", reason);
    else
        MESSAGE("skipping: ", reason);
    return true;
}

} // namespace ferry::test
