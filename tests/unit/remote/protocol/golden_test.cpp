// The runner messages' bytes on the wire, pinned (tests/unit/remote/protocol/message_checks.hpp).
#include "remote/protocol/messages.hpp"
#include "tests/unit/remote/protocol/message_checks.hpp"
#include "tests/unit/remote/protocol/samples.hpp"

#include <doctest/doctest.h>

using namespace ferry::proto;

TEST_CASE("every runner message encodes to its golden bytes and decodes from them") {
    int count = 0;
    samples::for_each_sample([&](const auto& msg) {
        checks::matches_golden(msg, FERRY_GOLDEN_DIR);
        ++count;
    });
    checks::matches_golden(
        AuthProof{"5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"},
        FERRY_GOLDEN_DIR);
    CHECK(count == 9);
}
