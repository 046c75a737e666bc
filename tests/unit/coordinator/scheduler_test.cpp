#include "coordinator/scheduler.hpp"
#include "tests/unit/coordinator/scheduler_fixture.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace ferry;
using namespace ferry::coordinator;
using namespace ferry::coordinator::testing;

TEST_CASE("no runners configured: every job compiles locally without a warning") {
    Fixture f({});
    f.scheduler.submit(1, gcc_job());
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK_FALSE(f.dispatcher.finished[0].remote);
    CHECK(f.dispatcher.finished[0].warning.empty());
    CHECK(f.scheduler.jobs_local() == 1);
    CHECK(f.scheduler.idle());
}

TEST_CASE("the least loaded runner is chosen, ties by round robin") {
    Fixture f(two_runners());
    f.scheduler.runner_up(0, hello(4));
    f.scheduler.runner_up(1, hello(2));
    for (JobId id = 1; id <= 6; ++id)
        f.scheduler.submit(id, gcc_job());
    REQUIRE(f.dispatcher.dispatched.size() == 6);
    std::vector<size_t> order;
    for (const auto& d : f.dispatcher.dispatched)
        order.push_back(d.runner);
    // 0/4 vs 0/2 tie -> a; 1/4 < 0/2? no, b is 0 -> b; a 1/4 < b 1/2 -> a; a 2/4 = b 1/2 tie:
    // round robin continues after a -> b; then a 2/4 < b 2/2 -> a twice.
    CHECK(order == std::vector<size_t>{0, 1, 0, 1, 0, 0});
    CHECK(f.scheduler.runners()[0].in_flight == 4);
    CHECK(f.scheduler.runners()[1].in_flight == 2);
    CHECK(f.dispatcher.dispatched[0].compiler_name == "gcc");
}

TEST_CASE("ties go to the runner with fewer recent failures") {
    Fixture f(two_runners());
    f.scheduler.runner_up(0, hello(2));
    f.scheduler.runner_up(1, hello(2));
    // a fails one job (JobStatus::failed: backoff), which then runs on b.
    f.scheduler.submit(1, gcc_job());
    REQUIRE(f.dispatcher.dispatched.back().runner == 0);
    f.scheduler.job_result(0, result(1, proto::JobStatus::failed, "disk full"));
    REQUIRE(f.dispatcher.dispatched.back().runner == 1);
    f.scheduler.job_result(1, result(1, proto::JobStatus::completed));
    // Backoff over: a is usable again but has a recent failure; b wins the 0/2 tie.
    f.now += 20000;
    f.scheduler.tick();
    CHECK(f.scheduler.state(0) == RunnerState::up);
    f.scheduler.submit(2, gcc_job());
    CHECK(f.dispatcher.dispatched.back().runner == 1);
}

TEST_CASE("jobs queue in order when every matching runner is full") {
    Fixture f({{"a", "127.0.0.2:3633", 0}});
    f.scheduler.runner_up(0, hello(1));
    for (JobId id = 1; id <= 3; ++id)
        f.scheduler.submit(id, gcc_job());
    REQUIRE(f.dispatcher.dispatched.size() == 1);
    CHECK(f.scheduler.queued() == 2);
    f.scheduler.job_result(0, result(1, proto::JobStatus::completed, {}, 1));
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK(f.dispatcher.finished[0].remote);
    CHECK(f.dispatcher.finished[0].exit_code == 1); // a compile error is the user's answer
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    CHECK(f.dispatcher.dispatched[1].job == 2);
    f.scheduler.job_result(0, result(2, proto::JobStatus::completed));
    REQUIRE(f.dispatcher.dispatched.size() == 3);
    CHECK(f.dispatcher.dispatched[2].job == 3);
    f.scheduler.job_result(0, result(3, proto::JobStatus::completed));
    CHECK(f.scheduler.idle());
    CHECK(f.scheduler.jobs_remote() == 3);
    CHECK(f.scheduler.runners()[0].jobs_done == 3);
    CHECK(f.scheduler.runners()[0].in_flight == 0);
}

TEST_CASE("a failed runner's jobs are retried elsewhere, then compiled locally") {
    Fixture f(two_runners());
    f.scheduler.runner_up(0, hello(2));
    f.scheduler.runner_up(1, hello(2));
    f.scheduler.submit(1, gcc_job());
    REQUIRE(f.dispatcher.dispatched.back().runner == 0);
    f.scheduler.runner_down(0, "connection reset");
    CHECK(f.scheduler.state(0) == RunnerState::backoff);
    CHECK(f.scheduler.runners()[0].in_flight == 0);
    CHECK(f.scheduler.runners()[0].failures == 1);
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    CHECK(f.dispatcher.dispatched.back().runner == 1);
    f.scheduler.job_result(1, result(1, proto::JobStatus::failed, "no space left"));
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK_FALSE(f.dispatcher.finished[0].remote);
    CHECK(f.dispatcher.finished[0].warning ==
          "ferry: runner b failed (no space left); compiling locally");
    CHECK(f.scheduler.state(1) == RunnerState::backoff);
    CHECK(f.scheduler.jobs_local() == 1);
    CHECK(f.scheduler.idle());
}

TEST_CASE("a job is never sent twice to the same runner") {
    Fixture f({{"a", "127.0.0.2:3633", 0}});
    f.scheduler.runner_up(0, hello(2));
    f.scheduler.submit(1, gcc_job());
    f.scheduler.runner_down(0, "timeout");
    // The retry finds nobody: local at once, and the reconnect does not get it back.
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK(f.dispatcher.finished[0].warning ==
          "ferry: runner a failed (timeout); compiling locally");
    f.scheduler.runner_connecting(0);
    f.scheduler.runner_up(0, hello(2));
    CHECK(f.dispatcher.dispatched.size() == 1);
}

TEST_CASE("refused: one more runner is tried, then local; nobody backs off") {
    Fixture f(two_runners());
    f.scheduler.runner_up(0, hello(2));
    f.scheduler.runner_up(1, hello(2));
    f.scheduler.submit(1, gcc_job());
    size_t first = f.dispatcher.dispatched.back().runner;
    f.scheduler.job_result(first, result(1, proto::JobStatus::refused, "-fplugin is not allowed"));
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    size_t second = f.dispatcher.dispatched.back().runner;
    CHECK(second != first);
    f.scheduler.job_result(second, result(1, proto::JobStatus::refused, "-fplugin is not allowed"));
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK_FALSE(f.dispatcher.finished[0].remote);
    CHECK(f.dispatcher.finished[0].warning.find("refused: -fplugin is not allowed") !=
          std::string::npos);
    CHECK(f.scheduler.state(0) == RunnerState::up);
    CHECK(f.scheduler.state(1) == RunnerState::up);
    CHECK(f.scheduler.runners()[0].failures == 0);
}

TEST_CASE("refusal limit applies with more runners too") {
    Fixture f({{"a", "x:1", 0}, {"b", "y:1", 0}, {"c", "z:1", 0}});
    for (size_t r = 0; r < 3; ++r)
        f.scheduler.runner_up(r, hello(1));
    f.scheduler.submit(1, gcc_job());
    f.scheduler.job_result(f.dispatcher.dispatched.back().runner,
                           result(1, proto::JobStatus::refused, "no"));
    f.scheduler.job_result(f.dispatcher.dispatched.back().runner,
                           result(1, proto::JobStatus::refused, "no"));
    CHECK(f.dispatcher.dispatched.size() == 2); // c is never asked
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK_FALSE(f.dispatcher.finished[0].remote);
}

TEST_CASE("a runner in backoff is avoided, then used again once up") {
    Fixture f(two_runners());
    f.scheduler.runner_down(0, "connection refused");
    f.scheduler.runner_up(1, hello(2, {{"clang", "c", "x", "clang 14", kClangId}}));
    f.scheduler.submit(1, gcc_job());
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK(f.dispatcher.finished[0].warning ==
          "ferry: no runner available for gcc (a: connection refused, b: compiler differs); "
          "compiling locally");
    // Probe: reconnecting. A job now waits for it instead of going local.
    f.scheduler.runner_connecting(0);
    CHECK(f.scheduler.state(0) == RunnerState::connecting);
    f.scheduler.submit(2, gcc_job());
    CHECK(f.scheduler.queued() == 1);
    f.scheduler.runner_up(0, hello(2));
    REQUIRE(f.dispatcher.dispatched.size() == 1);
    CHECK(f.dispatcher.dispatched[0].job == 2);
    CHECK(f.dispatcher.dispatched[0].runner == 0);
}

TEST_CASE("a job waiting for a connecting runner goes local when the connection fails") {
    Fixture f({{"a", "127.0.0.2:3633", 0}});
    f.scheduler.submit(1, gcc_job());
    CHECK(f.scheduler.queued() == 1);
    CHECK(f.dispatcher.finished.empty());
    f.scheduler.runner_down(0, "connect timed out after 2000 ms");
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK(f.dispatcher.finished[0].warning ==
          "ferry: no runner available for gcc (a: connect timed out after 2000 ms); compiling "
          "locally");
}

TEST_CASE("JobStatus::failed backs a connected runner off until the time has passed") {
    Scheduler::Options options;
    options.backoff_ms = 5000;
    Fixture f({{"a", "127.0.0.2:3633", 0}, {"b", "127.0.0.3:3633", 0}}, options);
    f.scheduler.runner_up(0, hello(1));
    f.scheduler.runner_up(1, hello(1));
    f.scheduler.submit(1, gcc_job());
    f.scheduler.submit(2, gcc_job());
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    size_t failing = f.dispatcher.dispatched[0].runner;
    size_t other = 1 - failing;
    f.scheduler.job_result(failing, result(1, proto::JobStatus::failed, "spawn failed"));
    CHECK(f.scheduler.state(failing) == RunnerState::backoff);
    CHECK(f.scheduler.queued() == 1); // b is busy with job 2, a backs off
    f.now += 4999;
    f.scheduler.tick();
    CHECK(f.scheduler.queued() == 1);
    f.now += 1;
    f.scheduler.tick();
    CHECK(f.scheduler.state(failing) == RunnerState::up);
    // Job 1 may not go back to the runner that failed it: it waits for the other one.
    CHECK(f.scheduler.queued() == 1);
    f.scheduler.job_result(other, result(2, proto::JobStatus::completed));
    REQUIRE(f.dispatcher.dispatched.size() == 3);
    CHECK(f.dispatcher.dispatched[2].job == 1);
    CHECK(f.dispatcher.dispatched[2].runner == other);
}

TEST_CASE("capacity: configured slots win, only runners that are up count") {
    Fixture f(two_runners(3, 0));
    CHECK(f.scheduler.remote_capacity() == 0);
    f.scheduler.runner_up(0, hello(8));
    f.scheduler.runner_up(1, hello(2));
    CHECK(f.scheduler.runners()[0].slots == 3);
    CHECK(f.scheduler.remote_capacity() == 5);
    f.scheduler.runner_down(1, "gone");
    CHECK(f.scheduler.remote_capacity() == 3);
    // The drained runner accepts only its configured 3.
    for (JobId id = 1; id <= 4; ++id)
        f.scheduler.submit(id, gcc_job());
    CHECK(f.dispatcher.dispatched.size() == 3);
    CHECK(f.scheduler.queued() == 1);
    CHECK(f.scheduler.running() == 3);
}

TEST_CASE("driver and identity must both match") {
    Fixture f({{"a", "127.0.0.2:3633", 0}});
    f.scheduler.runner_up(0, hello(2, {{"gcc", "c", "x", "gcc 12", kGccId}}));
    f.scheduler.submit(1, JobSpec{kGccId, "c++", "g++"});
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK(f.dispatcher.finished[0].warning.find("a: compiler differs") != std::string::npos);
    f.scheduler.submit(2, JobSpec{kClangId, "c", "clang"});
    CHECK(f.dispatcher.finished.size() == 2);
    f.scheduler.submit(3, JobSpec{kGccId, "c", "cc"});
    REQUIRE(f.dispatcher.dispatched.size() == 1);
    CHECK(f.dispatcher.dispatched[0].compiler_name == "gcc"); // the runner's name for it
}

TEST_CASE("warnings can be turned off") {
    Scheduler::Options options;
    options.warn_on_fallback = false;
    Fixture f({{"a", "127.0.0.2:3633", 0}}, options);
    f.scheduler.runner_down(0, "refused");
    f.scheduler.submit(1, gcc_job());
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK(f.dispatcher.finished[0].warning.empty());
}

TEST_CASE("a cancelled job keeps its slot until the runner answers, and the answer is dropped") {
    Fixture f({{"a", "127.0.0.2:3633", 0}});
    f.scheduler.runner_up(0, hello(1));
    f.scheduler.submit(1, gcc_job());
    f.scheduler.submit(2, gcc_job());
    f.scheduler.submit(3, gcc_job());
    f.scheduler.cancel(1); // running: the runner is asked to stop it
    f.scheduler.cancel(3); // queued: nothing to ask
    REQUIRE(f.dispatcher.cancels.size() == 1);
    CHECK(f.dispatcher.cancels[0].job == 1);
    CHECK(f.dispatcher.cancels[0].runner == 0);
    CHECK(f.scheduler.queued() == 1);
    CHECK(f.scheduler.runners()[0].in_flight == 1);
    CHECK(f.dispatcher.dispatched.size() == 1);
    f.scheduler.job_result(0, result(1, proto::JobStatus::completed));
    CHECK(f.dispatcher.finished.empty());
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    CHECK(f.dispatcher.dispatched[1].job == 2);
    // A cancelled job on a runner that fails is not retried anywhere.
    f.scheduler.cancel(2);
    f.scheduler.runner_down(0, "reset");
    CHECK(f.dispatcher.finished.empty());
    CHECK(f.scheduler.idle());
}

TEST_CASE("abandon frees the runner slot and ends the job locally") {
    Fixture f({{"a", "127.0.0.2:3633", 0}});
    f.scheduler.runner_up(0, hello(1));
    f.scheduler.submit(1, gcc_job());
    f.scheduler.submit(2, gcc_job());
    f.scheduler.abandon(1, 0, "", "a file changed while it was sent");
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK(f.dispatcher.finished[0].job == 1);
    CHECK_FALSE(f.dispatcher.finished[0].remote);
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    CHECK(f.dispatcher.dispatched[1].job == 2);
    // The runner's late answer for job 1 changes nothing.
    f.scheduler.job_result(0, result(1, proto::JobStatus::completed));
    CHECK(f.scheduler.runners()[0].in_flight == 1);
    CHECK(f.dispatcher.finished.size() == 1);
}

TEST_CASE("stale results from another runner are ignored") {
    Fixture f(two_runners());
    f.scheduler.runner_up(0, hello(1));
    f.scheduler.runner_up(1, hello(1));
    f.scheduler.submit(1, gcc_job());
    size_t on = f.dispatcher.dispatched[0].runner;
    f.scheduler.job_result(1 - on, result(1, proto::JobStatus::completed));
    CHECK(f.dispatcher.finished.empty());
    CHECK(f.scheduler.running() == 1);
}

TEST_CASE("a failed runner is reported once, not for every job it sends home") {
    Fixture f({{"a", "127.0.0.2:3633", 0}});
    f.scheduler.runner_up(0, hello(3));
    for (JobId id = 1; id <= 3; ++id)
        f.scheduler.submit(id, gcc_job());
    REQUIRE(f.dispatcher.dispatched.size() == 3);
    f.scheduler.runner_down(0, "connection closed");
    REQUIRE(f.dispatcher.finished.size() == 3);
    size_t warnings = 0;
    for (const auto& done : f.dispatcher.finished) {
        CHECK_FALSE(done.remote);
        if (!done.warning.empty()) ++warnings;
    }
    CHECK(warnings == 1);
    // Still down: later jobs of the same build go local in silence.
    f.now += 500;
    f.scheduler.submit(4, gcc_job());
    REQUIRE(f.dispatcher.finished.size() == 4);
    CHECK(f.dispatcher.finished[3].warning.empty());
}

TEST_CASE("a failed runner is reported again after it worked, or in the next build") {
    Fixture f({{"a", "127.0.0.2:3633", 0}});
    f.scheduler.runner_down(0, "connection refused");
    f.scheduler.submit(1, gcc_job());
    f.scheduler.submit(2, gcc_job());
    REQUIRE(f.dispatcher.finished.size() == 2);
    CHECK(f.dispatcher.finished[0].warning.find("a: connection refused") != std::string::npos);
    CHECK(f.dispatcher.finished[1].warning.empty());
    // Idle for a while, then a job: a new build, whose user has not heard of it.
    f.now += Scheduler::kWarnAgainAfterIdleMs;
    f.scheduler.submit(3, gcc_job());
    REQUIRE(f.dispatcher.finished.size() == 3);
    CHECK_FALSE(f.dispatcher.finished[2].warning.empty());
    // Back, a job done, then a failure: that is news again.
    f.scheduler.runner_connecting(0);
    f.scheduler.runner_up(0, hello(2));
    f.scheduler.submit(4, gcc_job());
    f.scheduler.job_result(0, result(4, proto::JobStatus::completed));
    f.scheduler.submit(5, gcc_job());
    f.scheduler.job_result(0, result(5, proto::JobStatus::failed, "disk full"));
    REQUIRE(f.dispatcher.finished.size() == 5);
    CHECK(f.dispatcher.finished[4].warning ==
          "ferry: runner a failed (disk full); compiling locally");
}

TEST_CASE("a job sent before the failure and answered after it does not re-arm the warning") {
    Fixture f({{"a", "127.0.0.2:3633", 0}});
    f.scheduler.runner_up(0, hello(2));
    f.scheduler.submit(1, gcc_job());
    f.scheduler.submit(2, gcc_job());
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    // Job 1 fails (the compiler died there): told once, the runner backs off.
    f.scheduler.job_result(0, result(1, proto::JobStatus::failed, "the compiler died there"));
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK_FALSE(f.dispatcher.finished[0].warning.empty());
    // Job 2 was already there and completes: old news about the runner.
    f.scheduler.job_result(0, result(2, proto::JobStatus::completed));
    // A job of the same build while the runner is still backed off: silence.
    f.scheduler.submit(3, gcc_job());
    REQUIRE(f.dispatcher.finished.size() == 3);
    CHECK(f.dispatcher.finished[2].job == 3);
    CHECK(f.dispatcher.finished[2].warning.empty());
}

TEST_CASE("a runner that fails every time it comes back is still reported once") {
    Fixture f({{"a", "127.0.0.2:3633", 0}});
    for (JobId id = 1; id <= 3; ++id) {
        f.scheduler.runner_connecting(0);
        f.scheduler.runner_up(0, hello(1));
        f.scheduler.submit(id, gcc_job());
        f.scheduler.runner_down(0, "job not answered within 3 s");
        f.now += 1000;
    }
    REQUIRE(f.dispatcher.finished.size() == 3);
    CHECK_FALSE(f.dispatcher.finished[0].warning.empty());
    CHECK(f.dispatcher.finished[1].warning.empty());
    CHECK(f.dispatcher.finished[2].warning.empty());
}

TEST_CASE("no matching compiler is not a failure: said for every job") {
    Fixture f({{"a", "127.0.0.2:3633", 0}});
    f.scheduler.runner_up(0, hello(2, {{"clang", "c", "x", "clang 14", kClangId}}));
    f.scheduler.submit(1, gcc_job());
    f.scheduler.submit(2, gcc_job());
    REQUIRE(f.dispatcher.finished.size() == 2);
    CHECK_FALSE(f.dispatcher.finished[0].warning.empty());
    CHECK_FALSE(f.dispatcher.finished[1].warning.empty());
}
