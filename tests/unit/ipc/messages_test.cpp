// The coordinator's IPC messages: the properties every message has
// (tests/unit/remote/protocol/message_checks.hpp), their golden bytes, and the checks that need an
// IPC message's shape.
#include "ipc/messages.hpp"
#include "remote/protocol/wire.hpp"
#include "tests/unit/ipc/samples.hpp"
#include "tests/unit/remote/protocol/message_checks.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::proto;
using namespace ferry::proto::checks;

TEST_CASE("every IPC message round-trips, bare and framed") {
    int count = 0;
    samples::for_each_ipc_sample([&](const auto& msg) {
        round_trips(msg);
        ++count;
    });
    CHECK(count == 10);
}

TEST_CASE("default (empty) IPC messages round-trip too") {
    samples::for_each_ipc_sample([](const auto& msg) { default_round_trips(msg); });
}

TEST_CASE("every IPC message truncated at every cut point is an error; so are trailing bytes") {
    samples::for_each_ipc_sample([](const auto& msg) { truncations_fail(msg); });
}

TEST_CASE("any 4 bytes of an IPC message overwritten with 0xffffffff: an error or canonical") {
    samples::for_each_ipc_sample(
        [](const auto& msg) { hostile_words_are_errors_or_canonical(msg); });
}

TEST_CASE("every IPC message encodes to its golden bytes and decodes from them") {
    int count = 0;
    samples::for_each_ipc_sample([&](const auto& msg) {
        matches_golden(msg, FERRY_GOLDEN_DIR);
        ++count;
    });
    CHECK(count == 10);
}

TEST_CASE("IPC decode errors: hostile counts, bad booleans, the field's path") {
    Writer w;
    w.u32(0xffffffffu);
    CHECK(contains(decode_error<IpcStatus>(w.take() + std::string(64, '\0')),
                   "ipc_status: runners: list of 4294967295 elements"));

    std::string compile_result = encode(samples::ipc_compile_result());
    compile_result[0] = 5; // ran_remotely
    CHECK(decode_error<IpcCompileResult>(compile_result) ==
          "ipc_compile_result: ran_remotely: bad boolean value 5");

    // Cut inside the second job's only phase: the path goes through both lists.
    IpcJobs jobs = samples::ipc_jobs();
    jobs.jobs[1].phases = {{"scan", "local", 0, 100, 200}};
    const std::string payload = encode(jobs);
    const std::string err = decode_error<IpcJobs>(payload.substr(0, payload.size() - 8 - 4));
    CHECK(contains(err, "ipc_jobs: jobs[1].phases[0].end_us: truncated payload"));

    // A whole message inside another: its own name after the field's.
    IpcMemo memo = samples::ipc_memo();
    memo.request.color_diagnostics = false;
    std::string bytes = encode(memo);
    const size_t flag = bytes.find(std::string("\x03\x00\x00\x00"
                                               "c++"
                                               "\x00",
                                               8));
    REQUIRE(flag != std::string::npos);
    bytes[flag + 7] = 9; // color_diagnostics, after language
    CHECK(decode_error<IpcMemo>(bytes) ==
          "ipc_memo: request: ipc_compile: color_diagnostics: bad boolean value 9");
}

TEST_CASE("a RunnerStatus list is bounded by its real smallest element (53 bytes)") {
    // Before the field-list codec the bound was 57 bytes, so 100 empty runners (5300 bytes)
    // and the rest of the status (189) were refused although they fit.
    IpcStatus status;
    status.runners.resize(100);
    auto back = decode_payload<IpcStatus>(encode(status));
    REQUIRE(back);
    CHECK(*back == status);
}
