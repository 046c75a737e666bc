#!/usr/bin/env bash
# Issue 9: __has_include in real headers. libstdc++ (ext/atomicity.h asks for
# <sys/single_threaded.h>), glibc, fmt (FMT_HAS_INCLUDE) and toml++ (TOML_HAS_INCLUDE) use it
# with literal names only, so their units must still run remotely (the coordinator ships the
# files asked about) and build the local object; a __has_include of a macro compiles locally.
source "$(dirname "$0")/lib.sh"
ferry_test_init
for tool in g++ clang++; do have $tool || skip "needs $tool"; done
PROJ="$TEST_TMP/proj"
mkdir -p "$PROJ/src" "$PROJ/build" "$TEST_TMP/ref"
start_core_runners

cat >"$PROJ/src/vec.cpp" <<'CPP'
#include <vector>
int sum(const std::vector<int>& v) { int s = 0; for (int x : v) s += x; return s; }
CPP
expected=0
for cxx in g++ clang++; do
    compile_both $cxx "-O2 -g -std=c++20" src/vec.cpp build/vec.o
    expected=$((expected + 1))
done
if [ -e /usr/include/fmt/format.h ] || skip_part "the fmt unit" "no fmt headers"; then
    cat >"$PROJ/src/f.cpp" <<'CPP'
#include <fmt/format.h>
std::string f(int x) { return fmt::format("{}", x); }
CPP
    compile_both g++ "-O2 -g -std=c++20" src/f.cpp build/f.o
    expected=$((expected + 1))
fi
if [ -e /usr/include/toml++/toml.h ] || skip_part "the toml++ unit" "no toml++ headers"; then
    cat >"$PROJ/src/t.cpp" <<'CPP'
#include <toml++/toml.h>
bool t(std::string_view s) { return bool(toml::parse(s)["a"]); }
CPP
    compile_both g++ "-O1 -std=c++20" src/t.cpp build/t.o
    expected=$((expected + 1))
fi
# Remote answers the coordinator used: a backup copy (a slow compile raced on the other
# runner, ARCHITECTURE.md) is a second job on the runners, not a second compile.
done_remote=$(status_field jobs.remote)
[ "$done_remote" -eq "$expected" ] ||
    fail "$done_remote of $expected compiles ran on runners (see $(coordinator_log))"

# A name known only to the preprocessor cannot be shipped: local, with the reason logged.
cat >"$PROJ/src/m.c" <<'C'
#define HDR "m.h"
#if __has_include(HDR)
int have_m = 1;
#endif
C
echo 'int m;' >"$PROJ/src/m.h"
compile_both gcc "-O2" src/m.c build/m.o
assert_eq "$done_remote" "$(status_field jobs.remote)" "remote jobs after a __has_include of a macro"
grep -q '__has_include(HDR)' "$(coordinator_log)" || fail "the coordinator log does not say why m.c went local"
pass
