// Placement by expected cost and backup compiles (the tail race): scheduler.hpp's policy.
#include "coordinator/scheduler.hpp"
#include "tests/unit/coordinator/scheduler_fixture.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::coordinator;
using namespace ferry::coordinator::testing;

namespace {

JobSpec costing(uint32_t ms) {
    JobSpec spec = gcc_job();
    spec.expected_ms = ms;
    return spec;
}

proto::JobResult completed(JobId job, uint64_t compile_ms = 0) {
    proto::JobResult r = result(job, proto::JobStatus::completed);
    r.compile_ms = compile_ms;
    return r;
}

// Two runners of two slots; job 1 runs on runner 0 and has been running for `elapsed` ms,
// nothing else runs or waits.
struct LateJob : Fixture {
    explicit LateJob(uint64_t elapsed, uint32_t expected = 1000) : Fixture(two_runners()) {
        scheduler.runner_up(0, hello(2));
        scheduler.runner_up(1, hello(2));
        scheduler.submit(1, costing(expected));
        REQUIRE(dispatcher.dispatched.size() == 1);
        first = dispatcher.dispatched[0].runner;
        other = 1 - first;
        now += elapsed;
        scheduler.tick();
    }
    size_t first = 0;
    size_t other = 1;
};

} // namespace

TEST_CASE("wants_backup: never before the minimum, then past factor x expected") {
    BackupPolicy p;
    CHECK_FALSE(wants_backup(p, 1999, 100));
    CHECK(wants_backup(p, 2001, 100));
    CHECK_FALSE(wants_backup(p, 2900, 2000)); // within 1.5 x
    CHECK(wants_backup(p, 3001, 2000));
    CHECK_FALSE(wants_backup(p, 7400, 0)); // unknown: the default cost
    CHECK(wants_backup(p, 7600, 0));
    p.enabled = false;
    CHECK_FALSE(wants_backup(p, 100000, 100));
}

TEST_CASE("placement: a long job avoids the runner busy with a long job") {
    Fixture f(two_runners(3, 3));
    f.scheduler.runner_up(0, hello(3));
    f.scheduler.runner_up(1, hello(3));
    f.scheduler.submit(1, costing(30000));
    size_t long_on = f.dispatcher.dispatched[0].runner;
    f.scheduler.submit(2, costing(200));
    CHECK(f.dispatcher.dispatched[1].runner == 1 - long_on);
    f.scheduler.submit(3, costing(200));
    CHECK(f.dispatcher.dispatched[2].runner == 1 - long_on);
    // The other runner holds more jobs (2 of 3 against 1 of 3), but only short ones: the
    // second long job goes there, not beside the first.
    f.scheduler.submit(4, costing(30000));
    CHECK(f.dispatcher.dispatched[3].runner == 1 - long_on);
}

TEST_CASE("placement: with room on both, long jobs spread over the runners") {
    Fixture f(two_runners(4, 4));
    f.scheduler.runner_up(0, hello(4));
    f.scheduler.runner_up(1, hello(4));
    f.scheduler.submit(1, costing(200));
    f.scheduler.submit(2, costing(200));
    f.scheduler.submit(3, costing(200));
    // The first long job goes where the short work is least; the second to the other.
    f.scheduler.submit(4, costing(30000));
    size_t first_long = f.dispatcher.dispatched[3].runner;
    f.scheduler.submit(5, costing(30000));
    CHECK(f.dispatcher.dispatched[4].runner == 1 - first_long);
    const auto& r = f.scheduler.runners();
    CHECK(r[0].in_flight + r[1].in_flight == 5);
}

TEST_CASE("placement: a runner that compiled slower than expected is chosen later") {
    Fixture f(two_runners());
    f.scheduler.runner_up(0, hello(1));
    f.scheduler.runner_up(1, hello(1));
    f.scheduler.submit(1, costing(1000));
    f.scheduler.submit(2, costing(1000));
    size_t slow = f.dispatcher.dispatched[0].runner;
    f.scheduler.job_result(slow, completed(1, 4000));
    f.scheduler.job_result(1 - slow, completed(2, 1000));
    CHECK(f.scheduler.runners()[slow].speed > f.scheduler.runners()[1 - slow].speed);
    f.scheduler.submit(3, costing(1000));
    CHECK(f.dispatcher.dispatched[2].runner == 1 - slow);
}

TEST_CASE("backup: a late job is raced on the idle runner; the backup's answer wins") {
    LateJob f(3100);
    REQUIRE(f.dispatcher.backups.size() == 1);
    CHECK(f.dispatcher.backups[0].job == 1);
    CHECK(f.dispatcher.backups[0].runner == f.other);
    CHECK(f.dispatcher.backups[0].compiler_name == "gcc");
    CHECK(f.scheduler.backups_started() == 1);
    CHECK(f.scheduler.copies(1) == 2);
    CHECK(f.scheduler.runners()[f.other].in_flight == 1);
    // At most one backup per job.
    f.now += 10000;
    f.scheduler.tick();
    CHECK(f.dispatcher.backups.size() == 1);

    f.scheduler.job_result(f.other, completed(1, 900));
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK(f.dispatcher.finished[0].remote);
    CHECK(f.dispatcher.finished[0].runner == f.other);
    CHECK(f.scheduler.backups_won() == 1);
    CHECK(f.scheduler.jobs_remote() == 1);
    CHECK(f.scheduler.runners()[f.other].in_flight == 0);
    // The slow copy is cancelled on its runner (once), and keeps its slot until its answer
    // comes, which is then dropped.
    REQUIRE(f.dispatcher.cancels.size() == 1);
    CHECK(f.dispatcher.cancels[0].job == 1);
    CHECK(f.dispatcher.cancels[0].runner == f.first);
    CHECK(f.scheduler.runners()[f.first].in_flight == 1);
    CHECK(f.scheduler.idle());
    f.scheduler.job_result(f.first, completed(1, 9000));
    CHECK(f.dispatcher.finished.size() == 1);
    CHECK(f.scheduler.runners()[f.first].in_flight == 0);
    CHECK(f.scheduler.late_discarded() == 1);
    CHECK(f.scheduler.jobs_remote() == 1);
    // Counted once per runner, and the slow runner was not backed off for being slow.
    CHECK(f.scheduler.runners()[f.first].jobs_done == 0);
    CHECK(f.scheduler.runners()[f.other].jobs_done == 1);
    CHECK(f.scheduler.state(f.first) == RunnerState::up);
    CHECK(f.scheduler.runners()[f.first].failures == 0);
    // ...but it is placed after the runner that won: it was slower than expected.
    CHECK(f.scheduler.runners()[f.first].speed > f.scheduler.runners()[f.other].speed);
}

TEST_CASE("backup: the first copy's answer wins and the backup's is dropped") {
    LateJob f(3100);
    REQUIRE(f.dispatcher.backups.size() == 1);
    f.scheduler.job_result(f.first, completed(1, 3200));
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK(f.dispatcher.finished[0].runner == f.first);
    CHECK(f.scheduler.backups_won() == 0);
    REQUIRE(f.dispatcher.cancels.size() == 1);
    CHECK(f.dispatcher.cancels[0].runner == f.other);
    CHECK(f.scheduler.runners()[f.other].in_flight == 1);
    f.scheduler.job_result(f.other, completed(1, 500));
    CHECK(f.dispatcher.finished.size() == 1);
    CHECK(f.scheduler.runners()[f.other].in_flight == 0);
    // A second answer for the same copy is unknown: no slot is freed twice.
    f.scheduler.job_result(f.other, completed(1, 500));
    f.scheduler.job_result(f.first, completed(1, 500));
    CHECK(f.scheduler.runners()[f.other].in_flight == 0);
    CHECK(f.scheduler.runners()[f.first].in_flight == 0);
}

TEST_CASE("backup: none while jobs wait, none too early, none without an idle runner") {
    SUBCASE("too early") {
        LateJob f(1900, 100);
        CHECK(f.dispatcher.backups.empty());
    }
    SUBCASE("within its expected cost") {
        LateJob f(20000, 15000);
        CHECK(f.dispatcher.backups.empty());
    }
    SUBCASE("the queue is not empty") {
        Fixture f(two_runners(1, 1));
        f.scheduler.runner_up(0, hello(1));
        f.scheduler.runner_up(1, hello(1));
        f.scheduler.submit(1, costing(100));
        f.scheduler.submit(2, costing(100));
        f.scheduler.submit(3, costing(100));
        f.now += 60000;
        f.scheduler.tick();
        CHECK(f.dispatcher.backups.empty());
        CHECK(f.scheduler.queued() == 1);
    }
    SUBCASE("only one runner matches") {
        Fixture f(two_runners());
        f.scheduler.runner_up(0, hello(2));
        f.scheduler.runner_up(1,
                              hello(2, {{"clang", "c", "x86_64-linux-gnu", "clang 14", kClangId}}));
        f.scheduler.submit(1, costing(100));
        CHECK(f.dispatcher.dispatched[0].runner == 0);
        f.now += 60000;
        f.scheduler.tick();
        CHECK(f.dispatcher.backups.empty());
    }
}

TEST_CASE("backup: a job's time counts from its compile's start, not its files' trip") {
    Fixture f(two_runners());
    f.scheduler.runner_up(0, hello(2));
    f.scheduler.runner_up(1, hello(2));
    f.scheduler.submit(1, costing(1000));
    size_t on = f.dispatcher.dispatched[0].runner;
    f.now += 5000; // a toolchain on its first trip to the runner
    f.scheduler.compile_started(1, on);
    f.now += 1900;
    f.scheduler.tick();
    CHECK(f.dispatcher.backups.empty());
    f.now += 200;
    f.scheduler.tick();
    CHECK(f.dispatcher.backups.size() == 1);
}

TEST_CASE("backup: the longest-running late job gets the only idle slot") {
    Fixture f({{"a", "127.0.0.2:3633", 2}, {"b", "127.0.0.3:3633", 1}});
    f.scheduler.runner_up(0, hello(2));
    f.scheduler.runner_up(1, hello(1));
    f.scheduler.submit(1, costing(100)); // a
    f.scheduler.submit(2, costing(100)); // b
    f.scheduler.submit(3, costing(100)); // a
    f.scheduler.job_result(1, completed(2, 100));
    f.now += 5000;
    f.scheduler.tick();
    // Jobs 1 and 3 are both late; b has one idle slot.
    REQUIRE(f.dispatcher.backups.size() == 1);
    CHECK(f.dispatcher.backups[0].runner == 1);
}

TEST_CASE("backup: a copy that fails while the other runs is not a fallback") {
    SUBCASE("the backup fails, the first copy answers") {
        LateJob f(3100);
        f.scheduler.job_result(f.other, result(1, proto::JobStatus::failed, "disk full"));
        CHECK(f.dispatcher.finished.empty());
        CHECK(f.dispatcher.requeues.empty());
        CHECK(f.scheduler.copies(1) == 1);
        CHECK(f.scheduler.state(f.other) == RunnerState::backoff); // it did fail
        CHECK(f.scheduler.runners()[f.other].in_flight == 0);
        f.scheduler.job_result(f.first, completed(1));
        REQUIRE(f.dispatcher.finished.size() == 1);
        CHECK(f.dispatcher.finished[0].remote);
        CHECK(f.scheduler.runners()[f.first].in_flight == 0);
    }
    SUBCASE("the first copy's runner goes down, the backup answers") {
        LateJob f(3100);
        f.scheduler.runner_down(f.first, "connection reset");
        CHECK(f.dispatcher.finished.empty());
        CHECK(f.dispatcher.requeues.empty());
        CHECK(f.scheduler.copies(1) == 1);
        f.scheduler.job_result(f.other, completed(1));
        REQUIRE(f.dispatcher.finished.size() == 1);
        CHECK(f.dispatcher.finished[0].runner == f.other);
        CHECK(f.scheduler.backups_won() == 1);
        CHECK(f.scheduler.runners()[f.other].in_flight == 0);
    }
    SUBCASE("the backup's runner dies mid-job") {
        LateJob f(3100);
        f.scheduler.runner_down(f.other, "connection reset");
        CHECK(f.scheduler.copies(1) == 1);
        CHECK(f.scheduler.runners()[f.other].in_flight == 0);
        f.scheduler.job_result(f.first, completed(1));
        REQUIRE(f.dispatcher.finished.size() == 1);
        CHECK(f.dispatcher.finished[0].runner == f.first);
    }
    SUBCASE("both copies fail: compiled locally once") {
        LateJob f(3100);
        f.scheduler.job_result(f.first, result(1, proto::JobStatus::failed, "killed"));
        CHECK(f.dispatcher.finished.empty());
        f.scheduler.job_result(f.other, result(1, proto::JobStatus::failed, "killed"));
        REQUIRE(f.dispatcher.finished.size() == 1);
        CHECK_FALSE(f.dispatcher.finished[0].remote);
        CHECK(f.scheduler.jobs_local() == 1);
        CHECK(f.scheduler.jobs_remote() == 0);
        CHECK(f.scheduler.runners()[0].in_flight == 0);
        CHECK(f.scheduler.runners()[1].in_flight == 0);
        CHECK(f.scheduler.idle());
    }
}

TEST_CASE("backup: a cancelled job frees both slots only as their answers come") {
    LateJob f(3100);
    f.scheduler.cancel(1);
    // Both copies are cancelled on their runners.
    REQUIRE(f.dispatcher.cancels.size() == 2);
    CHECK(f.dispatcher.cancels[0].runner != f.dispatcher.cancels[1].runner);
    CHECK(f.scheduler.idle());
    CHECK(f.scheduler.runners()[f.first].in_flight == 1);
    CHECK(f.scheduler.runners()[f.other].in_flight == 1);
    f.scheduler.job_result(f.other, completed(1));
    f.scheduler.runner_down(f.first, "reset");
    CHECK(f.dispatcher.finished.empty());
    CHECK(f.scheduler.runners()[f.first].in_flight == 0);
    CHECK(f.scheduler.runners()[f.other].in_flight == 0);
    CHECK(f.scheduler.late_discarded() == 0); // cancelled, not a lost race
    // The answer of a copy whose runner went down is unknown now.
    f.scheduler.job_result(f.first, completed(1));
    CHECK(f.scheduler.runners()[f.first].in_flight == 0);
}

TEST_CASE("backup: a file that changed while sent to one copy leaves the other running") {
    LateJob f(3100);
    f.scheduler.abandon(1, f.other, "", "a file changed while it was sent");
    CHECK(f.dispatcher.finished.empty());
    CHECK(f.scheduler.runners()[f.other].in_flight == 0);
    f.scheduler.abandon(1, f.first, "", "a file changed while it was sent");
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK_FALSE(f.dispatcher.finished[0].remote);
    CHECK(f.scheduler.runners()[f.first].in_flight == 0);
    CHECK(f.scheduler.idle());
}

TEST_CASE("backup: never beside other jobs on a runner with half its slots taken") {
    Fixture f(two_runners());
    f.scheduler.runner_up(0, hello(2));
    f.scheduler.runner_up(1, hello(2));
    f.scheduler.submit(1, costing(100));
    f.scheduler.submit(2, costing(100000)); // spread: one job on each runner
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    REQUIRE(f.dispatcher.dispatched[0].runner != f.dispatcher.dispatched[1].runner);
    const size_t first = f.dispatcher.dispatched[0].runner;
    f.now += 5000;
    f.scheduler.tick();
    // Job 1 is late and the other runner has a free slot, but its other slot's job would
    // share the CPU with the backup.
    CHECK(f.dispatcher.backups.empty());
    f.scheduler.job_result(1 - first, completed(2, 100));
    f.scheduler.tick();
    REQUIRE(f.dispatcher.backups.size() == 1);
    CHECK(f.dispatcher.backups[0].job == 1);
    CHECK(f.dispatcher.backups[0].runner == 1 - first);
}

namespace {

JobSpec sized(uint64_t bytes, uint32_t known_ms = 0) {
    JobSpec spec = costing(known_ms);
    spec.cost_bytes = bytes;
    return spec;
}

// One runner with one slot, busy with job 1 (expected 1 s): what is submitted next waits.
struct OneBusySlot : Fixture {
    OneBusySlot() : Fixture({{"a", "127.0.0.2:3633", 0}}) {
        scheduler.runner_up(0, hello(1));
        scheduler.submit(1, costing(1000));
        REQUIRE(dispatcher.dispatched.size() == 1);
    }
    // Completes the running job (with no time: it teaches no rate) and returns the job sent
    // next (0: none).
    JobId next_after(JobId running) {
        const size_t before = dispatcher.dispatched.size();
        scheduler.job_result(0, completed(running));
        return dispatcher.dispatched.size() > before ? dispatcher.dispatched.back().job : 0;
    }
};

} // namespace

TEST_CASE("queue: the longest expected job is sent first, equal costs in order of arrival") {
    OneBusySlot f;
    f.scheduler.submit(2, costing(200));
    f.scheduler.submit(3, costing(9000)); // googletest's gtest_unittest.cc, submitted late
    f.scheduler.submit(4, costing(200));
    f.scheduler.submit(5, costing(3000));
    CHECK(f.scheduler.queued() == 4);
    CHECK(f.next_after(1) == 3);
    CHECK(f.next_after(3) == 5);
    CHECK(f.next_after(5) == 2);
    CHECK(f.next_after(2) == 4);
    CHECK(f.next_after(4) == 0);
    CHECK(f.scheduler.idle());
}

TEST_CASE("queue: units never compiled are ordered by their input bytes") {
    OneBusySlot f;
    f.scheduler.submit(2, sized(100000));
    f.scheduler.submit(3, sized(2500000));
    f.scheduler.submit(4, sized(0)); // unknown size: after every sized one
    f.scheduler.submit(5, sized(300000));
    CHECK(f.next_after(1) == 3);
    CHECK(f.next_after(3) == 5);
    CHECK(f.next_after(5) == 2);
    CHECK(f.next_after(2) == 4);
}

TEST_CASE("queue: the build's milliseconds per byte rank unknown units among known ones") {
    OneBusySlot f;
    // Remembered units teach the compiler's rate: 1 ms per 100 bytes.
    f.scheduler.submit(2, sized(100000, 1000));
    // Unknown, 600 000 bytes: expected 6 s, before a remembered 4 s and after a remembered 8 s.
    f.scheduler.submit(3, sized(600000));
    f.scheduler.submit(4, sized(400000, 4000));
    f.scheduler.submit(5, sized(800000, 8000));
    CHECK(f.next_after(1) == 5);
    CHECK(f.next_after(5) == 3);
    CHECK(f.next_after(3) == 4);
    CHECK(f.next_after(4) == 2);
}

TEST_CASE("queue: a job a failed runner sent back goes before longer ones") {
    Fixture f(two_runners(1, 1));
    f.scheduler.runner_up(0, hello(1));
    f.scheduler.runner_up(1, hello(1));
    f.scheduler.submit(1, costing(100));
    f.scheduler.submit(2, costing(100));
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    f.scheduler.submit(3, costing(50000));
    const size_t runner_of_1 = f.dispatcher.dispatched[0].runner;
    f.scheduler.job_result(runner_of_1, result(1, proto::JobStatus::failed, "oom"));
    // Runner of job 1 backs off; job 1 is requeued ahead of the 50 s job and takes the
    // other runner's slot when job 2 ends.
    CHECK(f.dispatcher.requeues == std::vector<JobId>{1});
    f.scheduler.job_result(1 - runner_of_1, completed(2, 100));
    REQUIRE(f.dispatcher.dispatched.size() == 3);
    CHECK(f.dispatcher.dispatched[2].job == 1);
}

TEST_CASE("queue: the local offload takes the cheapest queued job, the newest of equals") {
    OneBusySlot f;
    f.scheduler.submit(2, costing(500));
    f.scheduler.submit(3, costing(9000));
    f.scheduler.submit(4, costing(500));
    f.scheduler.submit(5, costing(3000));
    REQUIRE(f.scheduler.take_queued_for_local("idle"));
    REQUIRE(f.dispatcher.finished.size() == 1);
    CHECK(f.dispatcher.finished[0].job == 4);
    CHECK_FALSE(f.dispatcher.finished[0].remote);
    REQUIRE(f.scheduler.take_queued_for_local("idle"));
    CHECK(f.dispatcher.finished[1].job == 2);
    CHECK(f.next_after(1) == 3);
}

TEST_CASE("placement: a running unit's estimated cost counts as its runner's work") {
    Fixture f(two_runners(3, 3));
    f.scheduler.runner_up(0, hello(3));
    f.scheduler.runner_up(1, hello(3));
    // A remembered 9 s unit teaches 1 ms per 100 bytes and runs on one runner...
    f.scheduler.submit(1, sized(900000, 9000));
    REQUIRE(f.dispatcher.dispatched.size() == 1);
    const size_t nine = f.dispatcher.dispatched[0].runner;
    // ...a never-compiled unit of 3 MB (30 s by that rate) goes to the other...
    f.scheduler.submit(2, sized(3000000));
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    const size_t thirty = f.dispatcher.dispatched[1].runner;
    CHECK(thirty != nine);
    // ...and a short job goes beside the 9 s one: with the 5 s default in place of the
    // estimate, the 30 s unit's runner would look the less loaded.
    f.scheduler.submit(3, sized(1000, 10));
    REQUIRE(f.dispatcher.dispatched.size() == 3);
    CHECK(f.dispatcher.dispatched[2].runner == nine);
}

TEST_CASE("backup: a unit never compiled waits for its estimate, not the default, to be late") {
    Fixture f(two_runners(2, 2));
    f.scheduler.runner_up(0, hello(2));
    f.scheduler.runner_up(1, hello(2));
    // A remembered 1 s unit teaches 1 ms per 100 bytes; a never-compiled unit of 4 MB is
    // expected to take 40 s.
    f.scheduler.submit(1, sized(100000, 1000));
    f.scheduler.job_result(f.dispatcher.dispatched[0].runner, completed(1, 1000));
    f.scheduler.submit(2, sized(4000000));
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    f.now += 30000; // late for the 5 s default, not for its 40 s
    f.scheduler.tick();
    CHECK(f.dispatcher.backups.empty());
    f.now += 31000; // past 1.5 x 40 s
    f.scheduler.tick();
    REQUIRE(f.dispatcher.backups.size() == 1);
    CHECK(f.dispatcher.backups[0].job == 2);
}

namespace {

// Jobs 1 and 2 (no longer than job 1) share runner 0's two slots (one CPU); the other
// runners have just come up, idle.
struct Crowded : Fixture {
    Crowded(uint32_t first_ms, uint32_t second_ms)
        : Fixture({{"a", "127.0.0.2:3633", 0},
                   {"b", "127.0.0.3:3633", 0},
                   {"c", "127.0.0.4:3633", 0}}) {
        scheduler.runner_up(0, hello(2));
        // The shorter first: the longer may join it (a job shorter than a quarter of the
        // longer one's work would wait for a slot of its own).
        scheduler.submit(2, costing(second_ms));
        scheduler.submit(1, costing(first_ms));
        REQUIRE(dispatcher.dispatched.size() == 2);
        REQUIRE(scheduler.runners()[0].in_flight == 2);
        scheduler.runner_up(1, hello(2));
        scheduler.runner_up(2, hello(2));
    }
};

} // namespace

TEST_CASE("wants_crowded_backup: a shared job that a copy alone would overtake") {
    BackupPolicy p;
    // 40 s expected, at half a CPU: after 2 s it has 39 s of work left, 78 s here.
    CHECK(wants_crowded_backup(p, 2000, 40000, 0.5));
    CHECK_FALSE(wants_crowded_backup(p, 1999, 40000, 0.5)); // never before the minimum
    CHECK(wants_crowded_backup(p, 39000, 40000, 0.5));
    CHECK_FALSE(wants_crowded_backup(p, 40000, 40000, 0.5)); // even at best: a tie
    CHECK_FALSE(wants_crowded_backup(p, 2000, 40000, 1.0));  // alone: the late rule's
    CHECK_FALSE(wants_crowded_backup(p, 2000, 40000, 0.0));
    // At a third of a CPU, later still.
    CHECK(wants_crowded_backup(p, 50000, 40000, 1.0 / 3));
    CHECK(wants_crowded_backup(p, 4000, 0, 0.5)); // unknown: the default cost, 5 s
    CHECK_FALSE(wants_crowded_backup(p, 5000, 0, 0.5));
    p.enabled = false;
    CHECK_FALSE(wants_crowded_backup(p, 2000, 40000, 0.5));
}

TEST_CASE("backup: long jobs sharing a runner are raced on idle ones, the shorter first") {
    // googletest's tail (bench/farm, session 26): its longest compile and a 40 s one shared
    // a runner's CPU while the other runners idled.
    Crowded f(100000, 40000);
    f.now += 1000;
    f.scheduler.tick();
    CHECK(f.dispatcher.backups.empty()); // not before the minimum
    f.now += 2000;
    f.scheduler.tick();
    // Both would end sooner alone; the shorter is raced first (its win frees runner 0 for
    // job 1 soonest), the other on the third runner.
    REQUIRE(f.dispatcher.backups.size() == 2);
    CHECK(f.dispatcher.backups[0].job == 2);
    CHECK(f.dispatcher.backups[1].job == 1);
    const size_t copy_on = f.dispatcher.backups[0].runner;
    CHECK(copy_on != 0);
    CHECK(f.dispatcher.backups[1].runner != 0);
    CHECK(f.dispatcher.backups[1].runner != copy_on);
    f.now += 2000;
    f.scheduler.tick();
    CHECK(f.dispatcher.backups.size() == 2); // at most one per job
    // Job 2's copy wins; its first copy is cancelled.
    f.scheduler.job_result(copy_on, completed(2, 38000));
    REQUIRE(f.dispatcher.cancels.size() == 1);
    CHECK(f.dispatcher.cancels[0].runner == 0);
    f.scheduler.job_result(0, completed(2)); // the cancelled copy's answer
    CHECK(f.scheduler.runners()[0].in_flight == 1);
}

TEST_CASE("backup: two jobs sharing a runner, one idle runner: the shorter is raced") {
    Crowded f(100000, 40000);
    f.scheduler.runner_down(2, "gone");
    f.now += 3000;
    f.scheduler.tick();
    REQUIRE(f.dispatcher.backups.size() == 1);
    CHECK(f.dispatcher.backups[0].job == 2);
    CHECK(f.dispatcher.backups[0].runner == 1);
}

TEST_CASE("backup: jobs sharing a runner are not raced when a copy would not end sooner") {
    Crowded f(4000, 4000);
    // Half done at half a CPU after 4 s: 2 s of work left, 4 s here, as long as a copy.
    f.now += 4000;
    f.scheduler.tick();
    CHECK(f.dispatcher.backups.empty());
}

namespace {

// Job 1 runs on runner 0 (two slots: one CPU), job 2 (5 s) fills runner 1's one slot: what
// comes next has only the slot beside job 1.
struct BesideLongest : Fixture {
    explicit BesideLongest(uint32_t longest_ms) : Fixture(two_runners(2, 1)) {
        scheduler.runner_up(0, hello(2));
        scheduler.submit(1, costing(longest_ms));
        scheduler.runner_up(1, hello(1));
        scheduler.submit(2, costing(5000));
        REQUIRE(dispatcher.dispatched.size() == 2);
        REQUIRE(dispatcher.dispatched[1].runner == 1);
    }
};

} // namespace

TEST_CASE("placement: a long job waits rather than share a CPU with the longest one") {
    BesideLongest f(100000); // the build's longest compile
    // 40 s beside it would halve its speed for 80 s: the job waits for runner 1...
    f.scheduler.submit(3, costing(40000));
    CHECK(f.dispatcher.dispatched.size() == 2);
    CHECK(f.scheduler.queued() == 1);
    CHECK(f.dispatcher.finished.empty()); // waiting, not sent back to the client
    // ... while a short one takes the slot beside it.
    f.scheduler.submit(4, costing(2000));
    REQUIRE(f.dispatcher.dispatched.size() == 3);
    CHECK(f.dispatcher.dispatched[2].job == 4);
    CHECK(f.dispatcher.dispatched[2].runner == 0);
    f.scheduler.job_result(1, completed(2, 5000));
    REQUIRE(f.dispatcher.dispatched.size() == 4);
    CHECK(f.dispatcher.dispatched[3].job == 3);
    CHECK(f.dispatcher.dispatched[3].runner == 1);
}

TEST_CASE("placement: beside a job under 10 s, or longer than its work left, any job goes") {
    BesideLongest f(9000);
    f.scheduler.submit(3, costing(8000));
    REQUIRE(f.dispatcher.dispatched.size() == 3);
    CHECK(f.dispatcher.dispatched[2].runner == 0);
    BesideLongest g(30000);
    g.now += 20000; // 10 s left: a 12 s job is the longer one now
    g.scheduler.submit(3, costing(12000));
    REQUIRE(g.dispatcher.dispatched.size() == 3);
    CHECK(g.dispatcher.dispatched[2].runner == 0);
}

TEST_CASE("placement: a job placed in the same pass counts as the longest one") {
    Fixture f(two_runners());
    // Queued while the runners connect, then placed in one pass when one comes up.
    f.scheduler.submit(1, costing(100000));
    f.scheduler.submit(2, costing(40000));
    f.scheduler.submit(3, costing(2000));
    REQUIRE(f.scheduler.queued() == 3);
    f.scheduler.runner_up(0, hello(2));
    REQUIRE(f.dispatcher.dispatched.size() == 2);
    CHECK(f.dispatcher.dispatched[0].job == 1);
    CHECK(f.dispatcher.dispatched[1].job == 3); // not job 2, beside job 1
    CHECK(f.scheduler.queued() == 1);
    f.scheduler.runner_up(1, hello(2));
    REQUIRE(f.dispatcher.dispatched.size() == 3);
    CHECK(f.dispatcher.dispatched[2].job == 2);
    CHECK(f.dispatcher.dispatched[2].runner == 1);
}
