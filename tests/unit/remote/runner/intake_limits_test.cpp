#include "remote/runner/intake_limits.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::runner;
using proto::MsgType;

TEST_CASE("before the greeting: small plain frames only") {
    proto::Limits pre = pre_greeting_limits();
    CHECK_FALSE(pre.allow_compressed);
    CHECK(pre.max_payload == kPreGreetingMaxFrame);
    CHECK(pre.raw_limit(MsgType::client_hello) == kPreGreetingMaxFrame);
    CHECK(pre.raw_limit(MsgType::file_data) == kPreGreetingMaxFrame);
    // A real hello (name, 64-byte answer) fits with room to spare.
    proto::ClientHello hello;
    hello.client_name = std::string(200, 'n');
    hello.auth_response = std::string(128, 'a');
    CHECK(proto::decode_single_frame(*proto::frame(hello), pre));
}

TEST_CASE("after the greeting: each message type capped to what it carries") {
    Options o;
    o.max_request_bytes = 3u << 20;
    proto::Limits after = greeted_limits(o);
    CHECK(after.allow_compressed);
    CHECK(after.raw_limit(MsgType::ping) <= 64);
    CHECK(after.raw_limit(MsgType::stats_request) <= 64);
    CHECK(after.raw_limit(MsgType::client_hello) == kPreGreetingMaxFrame);
    CHECK(after.raw_limit(MsgType::job_request) == 3u << 20);
    CHECK(after.raw_limit(MsgType::file_data) == proto::Limits{}.max_raw);
    // A 16 KiB bomb that would inflate to 500 MiB as a ping is refused from its header.
    const std::string zeros(1u << 20, '\0');
    auto ping = *proto::encode_frame(MsgType::ping, zeros, 1);
    CHECK_FALSE(proto::decode_single_frame(ping, after));
}

TEST_CASE("manifest limits come from the options") {
    Options o;
    o.max_mirror_dirs = 77;
    o.max_path_depth = 9;
    ManifestLimits m = manifest_limits(o);
    CHECK(m.max_directories == 77);
    CHECK(m.max_path_depth == 9);
}

TEST_CASE("LogThrottle: a burst per interval, then a count") {
    LogThrottle t(10000, 3);
    CHECK(t.allow(1000));
    CHECK(t.allow(1001));
    CHECK(t.allow(1002));
    for (int i = 0; i < 100; ++i)
        CHECK_FALSE(t.allow(1003 + i));
    CHECK(t.suppressed() == 100);
    auto summary = t.take_summary(5000);
    REQUIRE(summary);
    CHECK(*summary == 100);
    CHECK_FALSE(t.take_summary(6000)); // nothing new since
    CHECK_FALSE(t.allow(7000));        // the burst is spent until the interval ends
    CHECK(t.allow(11000));             // a new interval: a new burst
    CHECK(*t.take_summary(11001) == 1);
}
