#include "remote/protocol/messages.hpp"
#include "remote/protocol/wire.hpp"
#include "tests/unit/remote/protocol/message_checks.hpp"
#include "tests/unit/remote/protocol/samples.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::proto;
using namespace ferry::proto::checks;
using namespace std::string_literals;

TEST_CASE("every message round-trips, bare and framed") {
    int count = 0;
    samples::for_each_sample([&](const auto& msg) {
        round_trips(msg);
        ++count;
    });
    CHECK(count == 9);
}

TEST_CASE("default (empty) messages round-trip too") {
    samples::for_each_sample([](const auto& msg) { default_round_trips(msg); });
}

TEST_CASE("every message truncated at every cut point is an error; so are trailing bytes") {
    samples::for_each_sample([](const auto& msg) { truncations_fail(msg); });
}

TEST_CASE("a failed decode leaves the message untouched") {
    JobRequest m = samples::job_request();
    const std::string payload = encode(samples::need_files());
    CHECK(!decode(payload, m));
    CHECK(m == samples::job_request());
}

TEST_CASE("any 4 bytes overwritten with 0xffffffff: an error or a canonical message") {
    samples::for_each_sample([](const auto& msg) { hostile_words_are_errors_or_canonical(msg); });
}

TEST_CASE("hostile list counts") {
    auto huge_after = [](auto&& prefix) {
        Writer w;
        prefix(w);
        w.u32(0xffffffffu);
        return w.take() + std::string(64, '\0');
    };
    CHECK(contains(decode_error<NeedFiles>(huge_after([](Writer& w) { w.u64(1); })),
                   "list of 4294967295 elements"));
    CHECK(decode_error<FileData>(huge_after([](Writer& w) { w.u64(1); })) != "");
    CHECK(decode_error<RunnerHello>(huge_after([](Writer& w) {
              w.u32(1);
              w.str("r");
              w.u32(4);
          })) != "");
    CHECK(decode_error<JobRequest>(huge_after([](Writer& w) {
              w.u64(1);
              w.str("gcc");
              w.str(samples::kHashA);
              w.str("/");
          })) != "");
    // A count that fits the bytes only if each element were smaller than its minimum: 3
    // NeedFiles hashes need 3 * 36 bytes.
    Writer w;
    w.u64(1);
    w.u32(3);
    w.str(samples::kHashA);
    w.str(samples::kHashB);
    CHECK(contains(decode_error<NeedFiles>(w.take() + std::string(30, 'a')), "cannot fit"));
}

TEST_CASE("bad enum values") {
    std::string result = encode(samples::job_result());
    result[8] = 3; // status, after the u64 job_id
    CHECK(contains(decode_error<JobResult>(result), "bad job status 3"));
    result[8] = 2;
    CHECK(decode_payload<JobResult>(result));

    std::string error = encode(samples::error_msg());
    for (uint8_t code : {0, 7, 255}) {
        error[0] = static_cast<char>(code);
        CHECK(contains(decode_error<ErrorMsg>(error), "bad error code"));
    }
    error[0] = 6;
    CHECK(decode_payload<ErrorMsg>(error)->code == ErrorCode::shutting_down);

    JobRequest plain = samples::job_request();
    plain.color_diagnostics = false;
    std::string request = encode(samples::job_request());
    std::string other = encode(plain);
    size_t flag = 0; // color_diagnostics: the one byte the two encodings differ in
    while (flag < request.size() && request[flag] == other[flag])
        ++flag;
    REQUIRE(flag < request.size());
    request[flag] = 2;
    CHECK(contains(decode_error<JobRequest>(request), "bad boolean value 2"));
}

TEST_CASE("hashes must be 32 lowercase hex digits") {
    const std::vector<std::string> bad = {"0123456789ABCDEF0123456789abcdef",
                                          "0123456789abcdef0123456789abcde",
                                          "0123456789abcdef0123456789abcdef0",
                                          "0123456789abcdefg123456789abcdef",
                                          "",
                                          "0123456789abcdef\0"s
                                          "123456789abcdef"};
    for (const auto& hash : bad) {
        CAPTURE(hash);
        JobRequest request = samples::job_request();
        request.files[1].hash = hash;
        CHECK(contains(decode_error<JobRequest>(encode(request)), "not 32 lowercase hex digits"));

        NeedFiles need = samples::need_files();
        need.hashes.push_back(hash);
        // A shorter hash may already fail the list's size check (36 bytes per hash).
        const std::string need_error = decode_error<NeedFiles>(encode(need));
        CHECK(need_error != "");
        if (hash.size() >= 32) CHECK(contains(need_error, "not 32 lowercase hex digits"));

        FileData data = samples::file_data();
        data.blobs[0].hash = hash;
        CHECK(contains(decode_error<FileData>(encode(data)), "not 32 lowercase hex digits"));
    }
}

TEST_CASE("a decode error names the message and the field, through lists and nested structs") {
    JobRequest request = samples::job_request();
    request.files[1].hash = "x";
    CHECK(decode_error<JobRequest>(encode(request)) ==
          "job_request: files[1].hash: file hash 'x' is not 32 lowercase hex digits");
    request = samples::job_request();
    request.toolchain.files[0].hash = "X";
    CHECK(contains(decode_error<JobRequest>(encode(request)),
                   "job_request: toolchain.files[0].hash: file hash 'X'"));

    std::string result = encode(samples::job_result());
    result[8] = 3;
    CHECK(decode_error<JobResult>(result) == "job_result: status: bad job status 3");

    NeedFiles need = samples::need_files();
    need.hashes[1] = std::string(32, 'G');
    CHECK(contains(decode_error<NeedFiles>(encode(need)), "need_files: hashes[1]: needed hash"));
}

TEST_CASE("decode_as checks the frame type") {
    auto f = decode_single_frame(*frame(samples::stats()));
    REQUIRE(f);
    auto wrong = decode_as<JobResult>(*f);
    REQUIRE(!wrong);
    CHECK(wrong.error().message == "expected a job_result frame, got stats");
    CHECK(decode_as<Stats>(*f));
}

TEST_CASE("messages without a payload") {
    int empty = 0;
    for (int t = 0; t < 256; ++t)
        if (is_known_msg_type(static_cast<uint8_t>(t)) &&
            has_empty_payload(static_cast<MsgType>(t)))
            ++empty;
    CHECK(empty == 8);
    CHECK(has_empty_payload(MsgType::ping));
    CHECK(!has_empty_payload(MsgType::ipc_release_local)); // carries the children's CPU
    CHECK(has_empty_payload(MsgType::ipc_speculation_used));
    CHECK(!has_empty_payload(MsgType::ipc_memo));
    CHECK(has_empty_payload(MsgType::ipc_granted));
    CHECK(!has_empty_payload(MsgType::ipc_status));

    auto ping = decode_single_frame(*encode_frame(MsgType::ping, ""));
    REQUIRE(ping);
    CHECK(expect_empty(*ping, MsgType::ping));
    CHECK(!expect_empty(*ping, MsgType::pong));
    auto fat = decode_single_frame(*encode_frame(MsgType::ping, "x"));
    REQUIRE(fat);
    auto r = expect_empty(*fat, MsgType::ping);
    REQUIRE(!r);
    CHECK(r.error().message == "ping: 1 bytes of payload, expected none");
}
