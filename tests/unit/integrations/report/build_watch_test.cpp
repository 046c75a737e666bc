// The watch against a scripted coordinator on a real unix socket: the jobs of its build
// collected, another build's ignored, and a coordinator that sends garbage or stops in the
// middle of a frame costs an "incomplete" report within seconds, never a crash or a hang.
#include "integrations/report/build_watch.hpp"
#include "tests/unit/support/fake_coordinator.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>

using namespace ferry::integrations::report;
namespace proto = ferry::proto;
using ferry::Fd;
using ferry::test::accept_watch;
using ferry::test::send_all;

namespace {

proto::IpcJobEvent event(uint64_t id, std::string build, bool finished) {
    proto::IpcJobEvent e;
    e.job.id = id;
    e.job.build = std::move(build);
    e.job.source = "f" + std::to_string(id) + ".c";
    e.job.phase = finished ? "done" : "compile";
    e.job.outcome = finished ? "remote" : "";
    e.job.runner = "r1";
    e.finished = finished;
    return e;
}

proto::IpcJobs snapshot(uint64_t now) {
    proto::IpcJobs jobs;
    jobs.now_us = now;
    return jobs;
}

// Answers every further connection (the drain's board check) with an empty snapshot.
void answer_board_checks(int listener, std::atomic<bool>& stop) {
    while (!stop.load()) {
        pollfd p{listener, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        Fd c = accept_watch(listener);
        if (c) send_all(c.get(), *proto::frame(snapshot(9)));
    }
}

} // namespace

TEST_CASE("the watch collects this build's finished jobs and nothing of another build") {
    ferry::test::FakeRuntime rt("ferry-report-watch");
    Fd listener = rt.listen();
    std::atomic<bool> stop{false};
    std::thread server([&] {
        Fd w = accept_watch(listener.get());
        send_all(w.get(), *proto::frame(snapshot(1000)));
        send_all(w.get(), *proto::frame(event(1, "mine", false)));
        send_all(w.get(), *proto::frame(event(1, "mine", true)));
        send_all(w.get(), *proto::frame(event(2, "other", true)));
        send_all(w.get(), *proto::frame(event(3, "mine", true)));
        answer_board_checks(listener.get(), stop);
    });
    auto watch = BuildWatch::start(rt.config, "", "mine");
    REQUIRE(watch);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    WatchResult r = (*watch)->finish();
    stop = true;
    server.join();
    CHECK_FALSE(r.incomplete);
    CHECK(r.start_us == 1000);
    REQUIRE(r.finished.size() == 2);
    CHECK(r.finished[0].id == 1);
    CHECK(r.finished[1].id == 3);
}

TEST_CASE("a coordinator that sends garbage: incomplete, what came before kept") {
    ferry::test::FakeRuntime rt("ferry-report-watch");
    Fd listener = rt.listen();
    std::atomic<bool> stop{false};
    std::thread server([&] {
        Fd w = accept_watch(listener.get());
        send_all(w.get(), *proto::frame(snapshot(5)));
        send_all(w.get(), *proto::frame(event(1, "mine", true)));
        send_all(w.get(), *proto::encode_frame(proto::MsgType::ipc_job_event, "\xff\xff\xff"));
        answer_board_checks(listener.get(), stop);
    });
    auto watch = BuildWatch::start(rt.config, "", "mine");
    REQUIRE(watch);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    WatchResult r = (*watch)->finish();
    stop = true;
    server.join();
    CHECK(r.incomplete);
    CHECK_FALSE(r.problem.empty());
    CHECK(r.finished.size() == 1);
}

TEST_CASE("a coordinator that stops in the middle of a frame: finish() still returns") {
    ferry::test::FakeRuntime rt("ferry-report-watch");
    Fd listener = rt.listen();
    std::atomic<bool> stop{false};
    Fd held;
    std::thread server([&] {
        held = accept_watch(listener.get());
        send_all(held.get(), *proto::frame(snapshot(5)));
        std::string f = *proto::frame(event(1, "mine", false));
        send_all(held.get(), f.substr(0, f.size() / 2)); // and never the rest
        answer_board_checks(listener.get(), stop);
    });
    auto watch = BuildWatch::start(rt.config, "", "mine");
    REQUIRE(watch);
    auto t0 = std::chrono::steady_clock::now();
    WatchResult r = (*watch)->finish();
    auto took = std::chrono::steady_clock::now() - t0;
    stop = true;
    server.join();
    CHECK(r.incomplete);
    CHECK(took < std::chrono::seconds(10));
}
