// `ferry mon`'s watch against a scripted coordinator on a real unix socket: the snapshot,
// then events moving the table and its counts; a coordinator that never sends the snapshot,
// or sends garbage, leaves no usable watch.
#include "monitor/watch.hpp"
#include "tests/unit/support/fake_coordinator.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <thread>

using namespace ferry;
using ferry::monitor::CoordinatorWatch;
using ferry::test::accept_watch;
using ferry::test::send_all;

namespace {

proto::IpcJobEvent event(uint64_t id, std::string phase, bool finished, uint64_t now) {
    proto::IpcJobEvent e;
    e.job.id = id;
    e.job.source = "f" + std::to_string(id) + ".c";
    e.job.phase = std::move(phase);
    e.job.outcome = finished ? "remote" : "";
    e.job.runner = "r1";
    e.job.slot = 0;
    e.finished = finished;
    e.now_us = now;
    return e;
}

proto::IpcJobs snapshot(uint64_t now) {
    proto::IpcJobs jobs;
    jobs.now_us = now;
    proto::RunnerStatus r1;
    r1.name = "r1";
    jobs.status.runners.push_back(r1);
    return jobs;
}

// A watch that starts: the coordinator's side (`conn`) accepts it and sends the snapshot.
std::optional<CoordinatorWatch> started_watch(const test::FakeRuntime& rt, const Fd& listener,
                                              Fd& conn, uint64_t now) {
    std::thread server([&] {
        conn = accept_watch(listener.get());
        send_all(conn.get(), *proto::frame(snapshot(now)));
    });
    auto watch = CoordinatorWatch::open(rt.config, "", 5000);
    server.join();
    return watch;
}

} // namespace

TEST_CASE("the watch starts from the snapshot and follows the events") {
    test::FakeRuntime rt("ferry-mon-watch");
    Fd listener = rt.listen();
    Fd conn;
    auto watch = started_watch(rt, listener, conn, 1000);
    REQUIRE(watch);
    CHECK(watch->view().jobs.empty());

    send_all(conn.get(), *proto::frame(event(1, "compile", false, 2000)));
    send_all(conn.get(), *proto::frame(event(2, "compile", false, 2100)));
    send_all(conn.get(), *proto::frame(event(2, "done", true, 2200)));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(watch->take_news());
    auto table = watch->view();
    REQUIRE(table.jobs.size() == 1);
    CHECK(table.jobs[0].id == 1);
    CHECK(table.status.jobs_remote == 1); // job 2 finished between two refreshes
    CHECK(table.status.runners[0].in_flight == 1);
    // The clock moves on between events, so times in a phase keep counting.
    CHECK(table.now_us >= 2200);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(watch->view().now_us >= table.now_us + 20000);

    conn.reset(); // the coordinator exits
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(watch->take_news());
}

TEST_CASE("no snapshot in time, or garbage: no usable watch") {
    test::FakeRuntime rt("ferry-mon-watch");
    Fd listener = rt.listen();
    Fd silent;
    std::thread server([&] { silent = accept_watch(listener.get()); });
    auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(CoordinatorWatch::open(rt.config, "", 200));
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
    server.join();

    std::thread liar([&] {
        Fd c = accept_watch(listener.get());
        send_all(c.get(), *proto::encode_frame(proto::MsgType::ipc_jobs, "\xff\xff"));
    });
    CHECK_FALSE(CoordinatorWatch::open(rt.config, "", 2000));
    liar.join();

    Fd conn;
    auto watch = started_watch(rt, listener, conn, 5);
    REQUIRE(watch);
    send_all(conn.get(), *proto::encode_frame(proto::MsgType::ipc_job_event, "\xff\xff\xff"));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(watch->take_news());
}
