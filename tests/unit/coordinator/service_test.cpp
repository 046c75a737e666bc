// The coordinator service on a real libuv loop: wrappers over its unix socket, and a fake
// runner on a loopback TCP port driven step by step from the test, so the IPC, the runner
// link state machine and the scheduler are exercised together without a ferryd.
#include "coordinator/service.hpp"
#include "event/teardown.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/temp_dir.hpp"
#include "util/unix_socket.hpp"

#include <arpa/inet.h>
#include <chrono>
#include <doctest/doctest.h>
#include <functional>
#include <map>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace ferry;
using namespace ferry::coordinator;

namespace {

const std::string kId = "00112233445566778899aabbccddeeff";

// A peer speaking frames over a raw socket, without blocking the test's loop.
struct RawPeer {
    Fd fd;
    proto::FrameDecoder decoder;
    bool closed = false;

    void send(const std::string& bytes) {
        REQUIRE(::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
                static_cast<ssize_t>(bytes.size()));
    }
    std::optional<proto::Frame> try_read() {
        if (decoder.has_frame()) return decoder.pop();
        char buf[65536];
        ssize_t n = ::recv(fd.get(), buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0) closed = true;
        if (n > 0) REQUIRE(decoder.feed(std::string_view(buf, static_cast<size_t>(n))));
        if (decoder.has_frame()) return decoder.pop();
        return std::nullopt;
    }
};

// Runs the loop until `done` holds (or fails the test after a few seconds).
void run_until(uv_loop_t* loop, const std::function<bool()>& done, int timeout_ms = 5000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!done()) {
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        uv_run(loop, UV_RUN_NOWAIT);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

void run_for(uv_loop_t* loop, int ms) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) {
        uv_run(loop, UV_RUN_NOWAIT);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

proto::Frame read_frame(uv_loop_t* loop, RawPeer& peer) {
    std::optional<proto::Frame> frame;
    run_until(loop, [&] { return (frame = peer.try_read()).has_value() || peer.closed; });
    REQUIRE(frame);
    return *frame;
}

template <typename Msg> Msg read_msg(uv_loop_t* loop, RawPeer& peer) {
    auto msg = proto::decode_as<Msg>(read_frame(loop, peer));
    REQUIRE(msg);
    return *msg;
}

RawPeer connect_unix(const std::string& path) {
    RawPeer peer;
    int err = 0;
    auto fd = ferry::connect_unix(path, err);
    REQUIRE(fd);
    peer.fd = std::move(*fd);
    return peer;
}

// A listening loopback socket on an ephemeral port: the fake runner.
struct FakeRunnerListener {
    Fd fd;
    uint16_t port = 0;
    FakeRunnerListener() {
        fd = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd.get(), 8) == 0);
        socklen_t len = sizeof addr;
        REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        port = ntohs(addr.sin_port);
    }
    RawPeer accept(uv_loop_t* loop) {
        RawPeer peer;
        run_until(loop, [&] {
            peer.fd = Fd(::accept4(fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
            return peer.fd.valid();
        });
        return peer;
    }
    // Accepts and greets; returns once the coordinator answered.
    RawPeer accept_and_greet(uv_loop_t* loop, uint32_t slots = 2) {
        RawPeer peer = accept(loop);
        proto::RunnerHello hello;
        hello.runner_name = "fake";
        hello.slots = slots;
        hello.compilers.push_back({"gcc", "c", "x86_64-linux-gnu", "gcc 12", kId});
        peer.send(*proto::frame(hello));
        auto answer = read_msg<proto::ClientHello>(loop, peer);
        CHECK(answer.protocol_version == proto::kProtocolVersion);
        return peer;
    }
};

struct Harness {
    TempDir dir = std::move(*TempDir::create("/tmp", "ferry-coord-svc"));
    std::string socket = join_path(dir.path(), "c.sock");
    uv_loop_t loop{};
    std::unique_ptr<Service> service;

    explicit Harness(config::Config config) {
        REQUIRE(uv_loop_init(&loop) == 0);
        auto started = Service::start(&loop, std::move(config), socket,
                                      [](const std::string& path, const std::string& name) {
                                          compiler::Identity id;
                                          id.path = path;
                                          id.name = name;
                                          id.driver = "c";
                                          id.id = kId;
                                          return Result<compiler::Identity>(id);
                                      });
        REQUIRE(started);
        service = std::move(*started);
    }
    ~Harness() { shut_down(); }
    // Ends as the daemon does: the service's handles closed, nothing left on the loop.
    void shut_down() {
        if (!service) return;
        service.reset();
        auto closed = event::close_loop(&loop);
        CHECK_MESSAGE(closed, (closed ? "" : closed.error().message));
    }
    proto::IpcStatus status() {
        RawPeer peer = connect_unix(socket);
        peer.send(*proto::encode_frame(proto::MsgType::ipc_status_request, {}));
        return read_msg<proto::IpcStatus>(&loop, peer);
    }
};

config::Config base_config() {
    config::Config config;
    config.local_slots = 1;
    config.idle_timeout_s = 60;
    return config;
}

proto::IpcAcquireLocal local_step(uint32_t pid, const std::string& what,
                                  const std::string& reason = "", bool counted = false) {
    proto::IpcAcquireLocal step;
    step.pid = pid;
    step.what = what;
    step.source = "src/x.c";
    step.build = "build-1";
    step.reason = reason;
    step.counted = counted;
    return step;
}

proto::IpcCompile compile_request(const std::string& source) {
    proto::IpcCompile request;
    request.compiler_path = "/bin/sh"; // anything that exists: the probe is faked
    request.driver = "c";
    request.cwd = dirname(source);
    request.args = {"-c", source, "-o", "a.o"};
    request.files = {source};
    request.outputs = {"a.o"};
    request.language = "c";
    return request;
}

} // namespace

TEST_CASE("service: local slots over the socket, freed when a wrapper disconnects") {
    Harness h(base_config());
    RawPeer a = connect_unix(h.socket);
    RawPeer b = connect_unix(h.socket);
    a.send(*proto::frame(local_step(1, "compile")));
    CHECK(read_frame(&h.loop, a).type == proto::MsgType::ipc_granted);
    b.send(*proto::frame(local_step(2, "compile")));
    run_for(&h.loop, 100);
    CHECK_FALSE(b.try_read());
    auto status = h.status();
    CHECK(status.local_slots == 1);
    CHECK(status.local_in_use == 1);
    CHECK(status.pid == static_cast<uint32_t>(::getpid()));
    a.fd.reset(); // the wrapper died holding its slot
    CHECK(read_frame(&h.loop, b).type == proto::MsgType::ipc_granted);
    b.send(*proto::frame(proto::IpcReleaseLocal{}));
    run_until(&h.loop, [&] { return h.status().local_in_use == 0; });
}

TEST_CASE("service: without runners a compile is answered 'compile locally'") {
    Harness h(base_config());
    RawPeer w = connect_unix(h.socket);
    w.send(*proto::frame(compile_request("/tmp/x.c")));
    auto result = read_msg<proto::IpcCompileResult>(&h.loop, w);
    CHECK_FALSE(result.ran_remotely);
    CHECK(result.warning.empty());
    CHECK(h.status().jobs_local == 1);
}

TEST_CASE("service: local compiles are counted once, with their reasons") {
    Harness h(base_config());
    {
        RawPeer kept = connect_unix(h.socket); // the wrapper's own decision
        kept.send(*proto::frame(local_step(1, "compile", "-fprofile-generate")));
        CHECK(read_frame(&h.loop, kept).type == proto::MsgType::ipc_granted);
    }
    {
        RawPeer sent_back = connect_unix(h.socket); // the coordinator already counted it
        sent_back.send(*proto::frame(compile_request("/tmp/x.c")));
        CHECK_FALSE(read_msg<proto::IpcCompileResult>(&h.loop, sent_back).ran_remotely);
        sent_back.send(*proto::frame(local_step(2, "compile", "", true)));
        CHECK(read_frame(&h.loop, sent_back).type == proto::MsgType::ipc_granted);
    }
    {
        RawPeer link = connect_unix(h.socket);
        link.send(*proto::frame(local_step(3, "link")));
        CHECK(read_frame(&h.loop, link).type == proto::MsgType::ipc_granted);
    }
    run_until(&h.loop, [&] { return h.status().local_in_use == 0; });
    auto status = h.status();
    CHECK(status.jobs_local == 1);
    CHECK(status.jobs_kept_local == 1);
    CHECK(status.links_local == 1);
    CHECK(status.jobs_remote == 0);
    std::map<std::string, uint64_t> reasons;
    for (const auto& r : status.local_reasons)
        reasons[r.reason] = r.count;
    CHECK(reasons ==
          std::map<std::string, uint64_t>{{"-fprofile-generate", 1}, {"no runners configured", 1}});
}

TEST_CASE("service: a watcher sees a job's steps, and ferry mon's snapshot lists it") {
    Harness h(base_config());
    RawPeer watcher = connect_unix(h.socket);
    watcher.send(*proto::frame(proto::IpcWatch{"build-1", false}));
    auto first = read_msg<proto::IpcJobs>(&h.loop, watcher);
    CHECK(first.jobs.empty());

    RawPeer other_build = connect_unix(h.socket);
    auto foreign = local_step(8, "preprocess");
    foreign.build = "build-2";
    other_build.send(*proto::frame(foreign));
    CHECK(read_frame(&h.loop, other_build).type == proto::MsgType::ipc_granted);
    other_build.send(*proto::frame(proto::IpcReleaseLocal{}));

    RawPeer w = connect_unix(h.socket);
    w.send(*proto::frame(local_step(7, "preprocess")));
    CHECK(read_frame(&h.loop, w).type == proto::MsgType::ipc_granted);
    // Waiting for the slot, then scanning under it; nothing of build-2.
    auto waiting = read_msg<proto::IpcJobEvent>(&h.loop, watcher);
    CHECK(waiting.job.pid == 7);
    CHECK(waiting.job.phase == "wait");
    auto scanning = read_msg<proto::IpcJobEvent>(&h.loop, watcher);
    CHECK(scanning.job.phase == "scan");
    CHECK(scanning.job.runner == "local");
    CHECK(scanning.job.slot == 0);
    CHECK(scanning.job.source == "src/x.c");

    RawPeer mon = connect_unix(h.socket);
    mon.send(*proto::encode_frame(proto::MsgType::ipc_jobs_request, {}));
    auto jobs = read_msg<proto::IpcJobs>(&h.loop, mon);
    CHECK(jobs.jobs.size() == 2); // both builds: ferry mon sees everything
    CHECK(jobs.status.watchers == 1);

    w.send(*proto::frame(proto::IpcReleaseLocal{}));
    w.send(*proto::frame(compile_request("/tmp/x.c"))); // no runners: back to the wrapper
    CHECK_FALSE(read_msg<proto::IpcCompileResult>(&h.loop, w).ran_remotely);
    std::vector<std::string> phases;
    proto::IpcJobEvent event;
    do {
        event = read_msg<proto::IpcJobEvent>(&h.loop, watcher);
        phases.push_back(event.job.phase);
    } while (event.job.outcome != "fallback");
    CHECK(event.job.reason == "no runners configured");
    w.fd.reset();
    event = read_msg<proto::IpcJobEvent>(&h.loop, watcher);
    CHECK(event.finished);
    CHECK(event.job.outcome == "fallback");
    REQUIRE(event.job.phases.size() >= 3);
    CHECK(event.job.phases[0].phase == "wait");
    CHECK(event.job.phases[1].phase == "scan");
    for (const auto& span : event.job.phases)
        CHECK(span.end_us >= span.start_us);
}

TEST_CASE("service: the scan memo gives back the last request made under a key") {
    Harness h(base_config());
    RawPeer w = connect_unix(h.socket);
    w.send(*proto::frame(proto::IpcMemoRequest{"unit-key"}));
    CHECK_FALSE(read_msg<proto::IpcMemo>(&h.loop, w).found);

    proto::IpcCompile request = compile_request("/tmp/x.c");
    request.memo_key = "unit-key";
    w.send(*proto::frame(request));
    CHECK_FALSE(read_msg<proto::IpcCompileResult>(&h.loop, w).ran_remotely);

    w.send(*proto::frame(proto::IpcMemoRequest{"unit-key"}));
    auto memo = read_msg<proto::IpcMemo>(&h.loop, w);
    REQUIRE(memo.found);
    CHECK(memo.request == request);

    // A speculative request is not a scan's: it does not replace what the memo holds.
    proto::IpcCompile guess = request;
    guess.speculative = true;
    guess.files.push_back("/tmp/not-scanned.h");
    w.send(*proto::frame(guess));
    CHECK_FALSE(read_msg<proto::IpcCompileResult>(&h.loop, w).ran_remotely);
    w.send(*proto::frame(proto::IpcMemoRequest{"unit-key"}));
    CHECK(read_msg<proto::IpcMemo>(&h.loop, w).request == request);
    w.send(*proto::frame(proto::IpcMemoRequest{"other-key"}));
    CHECK_FALSE(read_msg<proto::IpcMemo>(&h.loop, w).found);

    // A confirmation without a speculative answer on that connection is a protocol error.
    RawPeer other = connect_unix(h.socket);
    other.send(*proto::encode_frame(proto::MsgType::ipc_speculation_used, {}));
    run_until(&h.loop, [&] {
        other.try_read();
        return other.closed;
    });
}

TEST_CASE("service: a speculative start answered 'compile here' is local only once confirmed") {
    // No runners: every start is answered "compile here" at once. A wrapper whose scan found
    // another request drops the start (and sends that request as the unit's job); one whose
    // scan agreed confirms it and compiles here.
    Harness h(base_config());
    proto::IpcCompile guess = compile_request("/tmp/x.c");
    guess.memo_key = "unit-key";
    guess.speculative = true;
    {
        RawPeer dropped = connect_unix(h.socket);
        dropped.send(*proto::frame(guess));
        CHECK_FALSE(read_msg<proto::IpcCompileResult>(&h.loop, dropped).ran_remotely);
    }
    // Another connection's status may be read before the close: asked until it is counted.
    auto status = h.status();
    for (int i = 0; i < 50 && status.speculative_unused == 0; ++i)
        status = h.status();
    CHECK(status.jobs_local == 0);
    CHECK(status.speculative_unused == 1);
    CHECK(status.speculative_used == 0);

    RawPeer used = connect_unix(h.socket);
    used.send(*proto::frame(guess));
    CHECK_FALSE(read_msg<proto::IpcCompileResult>(&h.loop, used).ran_remotely);
    used.send(*proto::encode_frame(proto::MsgType::ipc_speculation_used, {}));
    status = h.status();
    for (int i = 0; i < 50 && status.jobs_local == 0; ++i)
        status = h.status();
    CHECK(status.jobs_local == 1);
    CHECK(status.speculative_unused == 1);
    CHECK(status.speculative_used == 0); // that counter is remote answers used
    bool reason_counted = false;
    for (const auto& r : status.local_reasons)
        reason_counted |= r.reason == "no runners configured" && r.count == 1;
    CHECK(reason_counted);
}

TEST_CASE("service: a malformed frame closes that connection only") {
    Harness h(base_config());
    RawPeer bad = connect_unix(h.socket);
    RawPeer good = connect_unix(h.socket);
    bad.send(std::string("GARBAGE GARBAGE GARBAGE"));
    run_until(&h.loop, [&] {
        bad.try_read();
        return bad.closed;
    });
    RawPeer wrong = connect_unix(h.socket);
    wrong.send(*proto::encode_frame(proto::MsgType::job_result, {})); // not an IPC message
    run_until(&h.loop, [&] {
        wrong.try_read();
        return wrong.closed;
    });
    // A release without its payload (revision 9's empty frame) is malformed too.
    RawPeer old_release = connect_unix(h.socket);
    old_release.send(*proto::frame(local_step(2, "link")));
    CHECK(read_frame(&h.loop, old_release).type == proto::MsgType::ipc_granted);
    old_release.send(*proto::encode_frame(proto::MsgType::ipc_release_local, {}));
    run_until(&h.loop, [&] {
        old_release.try_read();
        return old_release.closed;
    });
    good.send(*proto::frame(local_step(1, "link")));
    CHECK(read_frame(&h.loop, good).type == proto::MsgType::ipc_granted);
}

TEST_CASE("service: ipc_shutdown stops the loop and leaves nothing behind") {
    Harness h(base_config());
    RawPeer w = connect_unix(h.socket);
    w.send(*proto::encode_frame(proto::MsgType::ipc_shutdown, {}));
    uv_run(&h.loop, UV_RUN_DEFAULT); // returns once every handle is closed
    CHECK(::access(h.socket.c_str(), F_OK) != 0);
    w.try_read();
    CHECK(w.closed);
    h.shut_down();
}

TEST_CASE("service: exits after the idle timeout") {
    config::Config config = base_config();
    config.idle_timeout_s = 1;
    Harness h(config);
    auto start = std::chrono::steady_clock::now();
    uv_run(&h.loop, UV_RUN_DEFAULT);
    auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited >= std::chrono::milliseconds(900));
    CHECK(waited < std::chrono::seconds(5));
}

TEST_CASE("service: a job runs on a runner, files sent on request") {
    FakeRunnerListener listener;
    config::Config config = base_config();
    config.runners.push_back({"fake", "127.0.0.1", listener.port, 0});
    config.compression_level = 3;
    Harness h(config);
    RawPeer runner = listener.accept_and_greet(&h.loop);
    run_until(&h.loop, [&] { return h.status().runners.at(0).state == "up"; });
    auto status = h.status();
    CHECK(status.remote_capacity == 2);
    CHECK(status.runners[0].address == fmt::format("127.0.0.1:{}", listener.port));

    std::string source = join_path(h.dir.path(), "a.c");
    std::string text(4000, 'x'); // big enough to be compressed
    REQUIRE(write_file(source, text));
    RawPeer wrapper = connect_unix(h.socket);
    wrapper.send(*proto::frame(compile_request(source)));

    auto job = read_msg<proto::JobRequest>(&h.loop, runner);
    CHECK(job.compiler_name == "gcc");
    CHECK(job.compiler_id == kId);
    CHECK(job.cwd == h.dir.path());
    REQUIRE(job.files.size() == 1);
    CHECK(job.files[0].path == source);
    CHECK(job.files[0].hash == hash_hex(text));
    CHECK(job.files[0].size == text.size());

    runner.send(*proto::frame(proto::NeedFiles{job.job_id, {job.files[0].hash}}));
    auto data = read_msg<proto::FileData>(&h.loop, runner);
    CHECK(data.job_id == job.job_id);
    REQUIRE(data.blobs.size() == 1);
    CHECK(data.blobs[0].data == text);
    CHECK(h.status().runners.at(0).in_flight == 1);

    proto::JobResult result;
    result.job_id = job.job_id;
    result.status = proto::JobStatus::completed;
    result.exit_code = 0;
    result.stderr_data = "warning: x\n";
    result.outputs.push_back({"a.o", "OBJECT"});
    runner.send(*proto::frame(result));
    auto answer = read_msg<proto::IpcCompileResult>(&h.loop, wrapper);
    CHECK(answer.ran_remotely);
    CHECK(answer.runner == "fake");
    CHECK(answer.exit_code == 0);
    CHECK(answer.stderr_data == "warning: x\n");
    REQUIRE(answer.outputs.size() == 1);
    CHECK(answer.outputs[0].data == "OBJECT");
    status = h.status();
    CHECK(status.jobs_remote == 1);
    CHECK(status.runners[0].jobs_done == 1);
    CHECK(status.runners[0].in_flight == 0);
}

TEST_CASE("service: a runner dying mid-job means local with a warning, then a reconnect") {
    FakeRunnerListener listener;
    config::Config config = base_config();
    config.runners.push_back({"fake", "127.0.0.1", listener.port, 0});
    config.backoff_ms = 300;
    Harness h(config);
    RawPeer runner = listener.accept_and_greet(&h.loop);
    std::string source = join_path(h.dir.path(), "b.c");
    REQUIRE(write_file(source, "int b;\n"));
    RawPeer wrapper = connect_unix(h.socket);
    run_until(&h.loop, [&] { return h.status().runners.at(0).state == "up"; });
    wrapper.send(*proto::frame(compile_request(source)));
    read_msg<proto::JobRequest>(&h.loop, runner);
    runner.fd.reset(); // killed
    auto answer = read_msg<proto::IpcCompileResult>(&h.loop, wrapper);
    CHECK_FALSE(answer.ran_remotely);
    CHECK(answer.warning == "ferry: runner fake failed (connection closed); compiling locally");
    auto status = h.status();
    CHECK(status.runners[0].state == "backoff");
    CHECK(status.runners[0].failures == 1);
    CHECK(status.remote_capacity == 0);
    // While it backs off, jobs go local at once, without saying again what was said.
    wrapper.send(*proto::frame(compile_request(source)));
    answer = read_msg<proto::IpcCompileResult>(&h.loop, wrapper);
    CHECK_FALSE(answer.ran_remotely);
    CHECK(answer.warning.empty());
    // The probe after the backoff finds it again.
    RawPeer again = listener.accept_and_greet(&h.loop);
    run_until(&h.loop, [&] { return h.status().runners.at(0).state == "up"; });
}

TEST_CASE("service: a job not answered in time backs the runner off") {
    FakeRunnerListener listener;
    config::Config config = base_config();
    config.runners.push_back({"fake", "127.0.0.1", listener.port, 0});
    config.job_timeout_ms = 200;
    Harness h(config);
    RawPeer runner = listener.accept_and_greet(&h.loop);
    std::string source = join_path(h.dir.path(), "c.c");
    REQUIRE(write_file(source, "int c;\n"));
    run_until(&h.loop, [&] { return h.status().runners.at(0).state == "up"; });
    RawPeer wrapper = connect_unix(h.socket);
    wrapper.send(*proto::frame(compile_request(source)));
    read_msg<proto::JobRequest>(&h.loop, runner);
    auto answer = read_msg<proto::IpcCompileResult>(&h.loop, wrapper);
    CHECK_FALSE(answer.ran_remotely);
    CHECK(answer.warning.find("not answered within 0.2 s") != std::string::npos);
    CHECK(h.status().runners[0].state == "backoff");
    run_until(&h.loop, [&] { // the coordinator hung up
        runner.try_read();
        return runner.closed;
    });
}

TEST_CASE("service: a runner that refuses the connection is reported") {
    FakeRunnerListener listener;
    uint16_t port = listener.port;
    listener.fd.reset(); // nothing listens there now
    config::Config config = base_config();
    config.runners.push_back({"gone", "127.0.0.1", port, 0});
    Harness h(config);
    run_until(&h.loop, [&] { return h.status().runners.at(0).state == "backoff"; });
    auto status = h.status();
    CHECK(status.runners[0].last_error.find("connection refused") != std::string::npos);
}

TEST_CASE("service: a wrapper that goes away mid-job does not disturb the runner") {
    FakeRunnerListener listener;
    config::Config config = base_config();
    config.runners.push_back({"fake", "127.0.0.1", listener.port, 1});
    Harness h(config);
    RawPeer runner = listener.accept_and_greet(&h.loop);
    std::string source = join_path(h.dir.path(), "d.c");
    REQUIRE(write_file(source, "int d;\n"));
    run_until(&h.loop, [&] { return h.status().runners.at(0).state == "up"; });
    {
        RawPeer gone = connect_unix(h.socket);
        gone.send(*proto::frame(compile_request(source)));
        auto job = read_msg<proto::JobRequest>(&h.loop, runner);
        gone.fd.reset();
        // The runner is asked to stop it, and holds the slot until it answers.
        auto cancel = read_msg<proto::JobCancel>(&h.loop, runner);
        CHECK(cancel.job_id == job.job_id);
        run_for(&h.loop, 50);
        CHECK(h.status().runners[0].in_flight == 1);
        proto::JobResult result;
        result.job_id = job.job_id;
        result.status = proto::JobStatus::failed;
        result.message = "cancelled by the client";
        runner.send(*proto::frame(result));
        run_until(&h.loop, [&] { return h.status().runners[0].in_flight == 0; });
    }
    RawPeer wrapper = connect_unix(h.socket);
    wrapper.send(*proto::frame(compile_request(source)));
    auto job = read_msg<proto::JobRequest>(&h.loop, runner);
    CHECK(job.job_id > 0);
}

TEST_CASE("service: a compiler that died on the runner is the runner's failure, not an answer") {
    FakeRunnerListener listener;
    config::Config config = base_config();
    config.runners.push_back({"fake", "127.0.0.1", listener.port, 0});
    Harness h(config);
    RawPeer runner = listener.accept_and_greet(&h.loop);
    run_until(&h.loop, [&] { return h.status().runners.at(0).state == "up"; });
    std::string source = join_path(h.dir.path(), "big.c");
    REQUIRE(write_file(source, "int big[1];\n"));
    RawPeer wrapper = connect_unix(h.socket);
    wrapper.send(*proto::frame(compile_request(source)));
    auto job = read_msg<proto::JobRequest>(&h.loop, runner);
    // What ferryd answers when cc1 is killed by its --limit-file-size: the driver ran.
    proto::JobResult result;
    result.job_id = job.job_id;
    result.status = proto::JobStatus::completed;
    result.exit_code = 4;
    result.stderr_data = "gcc: internal compiler error: File size limit exceeded signal "
                         "terminated program cc1\nPlease submit a full bug report.\n";
    runner.send(*proto::frame(result));
    auto answer = read_msg<proto::IpcCompileResult>(&h.loop, wrapper);
    CHECK_FALSE(answer.ran_remotely);
    CHECK(answer.warning.find("ferry: runner fake failed (the compiler died there: gcc: internal "
                              "compiler error: File size limit exceeded") == 0);
    auto status = h.status();
    CHECK(status.runners[0].state == "backoff");
    CHECK(status.runners[0].failures == 1);
    CHECK(status.jobs_remote == 0);
}

TEST_CASE("service: include_analysis = \"on\" analyses a request sent without files, or asks "
          "for the scan") {
    // The real gcc: the analysis probes it (-dM -E, -E -v) as it would for a wrapper.
    REQUIRE(::access("/usr/bin/gcc", X_OK) == 0);
    auto config = base_config();
    config.include_analysis = config::IncludeAnalysis::on;
    Harness h(std::move(config));
    const std::string src = h.dir.path() + "/src";
    REQUIRE(make_dirs(src));
    REQUIRE(write_file(src + "/a.h", "#define A 1\n"));
    REQUIRE(write_file(src + "/ok.c", "#include \"a.h\"\nint ok = A;\n"));
    REQUIRE(write_file(src + "/once.h", "_Pragma(\"once\")\n"));
    REQUIRE(write_file(src + "/once.c", "#include \"once.h\"\nint once;\n"));
    auto analysed = [&](const std::string& source) {
        proto::IpcCompile request = compile_request(source);
        request.compiler_path = "/usr/bin/gcc";
        request.files.clear();
        request.analyse = true;
        return request;
    };

    RawPeer served = connect_unix(h.socket);
    served.send(*proto::frame(analysed(src + "/ok.c")));
    // Served: the job goes on as a scanned one would (here: no runner, so compile locally).
    auto answer = read_msg<proto::IpcCompileResult>(&h.loop, served);
    CHECK(answer.scan_needed.empty());
    CHECK_FALSE(answer.ran_remotely);

    RawPeer refused = connect_unix(h.socket);
    refused.send(*proto::frame(analysed(src + "/once.c")));
    auto scan = read_msg<proto::IpcCompileResult>(&h.loop, refused);
    CHECK(scan.scan_needed == "the analysis refused");
    // The wrapper scans and sends the scanned request on the same connection.
    refused.send(*proto::frame(compile_request(src + "/once.c")));
    CHECK(read_msg<proto::IpcCompileResult>(&h.loop, refused).scan_needed.empty());

    auto status = h.status();
    CHECK(status.include_analysis_mode == "on");
    CHECK(status.analysis_served == 1);
    CHECK(status.shadow_units == 2);
    CHECK(status.shadow_refused == 1);
    REQUIRE(status.analysis_scanned.size() == 1);
    CHECK(status.analysis_scanned[0].reason == "the analysis refused");
    CHECK(status.analysis_scanned[0].count == 1);
}

TEST_CASE("service: an analyse request to a coordinator without the analysis is told to scan") {
    config::Config config = base_config();
    config.include_analysis = config::IncludeAnalysis::off; // "on" is the default
    Harness h(config);
    RawPeer w = connect_unix(h.socket);
    proto::IpcCompile request = compile_request("/tmp/x.c");
    request.files.clear();
    request.analyse = true;
    w.send(*proto::frame(request));
    CHECK(read_msg<proto::IpcCompileResult>(&h.loop, w).scan_needed == "include analysis is off");
    CHECK(h.status().include_analysis_mode == "off");
    CHECK(h.status().jobs_local == 0);
}
