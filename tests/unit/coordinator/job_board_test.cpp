#include "coordinator/job_board.hpp"

#include <doctest/doctest.h>
#include <vector>

using namespace ferry;
using ferry::coordinator::JobBoard;

namespace {

struct Fixture {
    uint64_t now = 1000;
    JobBoard board{[this] { return now; }};
    std::vector<proto::JobView> events;
    std::vector<proto::JobView> finished;
    Fixture() {
        board.set_listener([this](const proto::JobView& job, bool done) {
            (done ? finished : events).push_back(job);
        });
    }
    proto::IpcCompile request(const std::string& source) {
        proto::IpcCompile r;
        r.pid = 42;
        r.source = source;
        r.build = "b";
        return r;
    }
};

} // namespace

TEST_CASE("job board: a remote job's steps, each on its lane and slot") {
    Fixture f;
    f.board.submitted(1, 10, f.request("a.c"));
    f.now = 1100;
    f.board.dispatched(10, "r1", 0);
    f.now = 1200;
    f.board.files_sent(10);
    f.now = 1900;
    f.board.result_arrived(10, 650);
    f.board.answered(10, true, "");
    f.now = 1950;
    f.board.closed(1);
    REQUIRE(f.finished.size() == 1);
    const auto& job = f.finished[0];
    CHECK(job.outcome == "remote");
    CHECK(job.compile_ms == 650);
    CHECK(job.pid == 42);
    REQUIRE(job.phases.size() == 4);
    CHECK(job.phases[0].phase == "queue");
    CHECK(job.phases[1].phase == "send");
    CHECK(job.phases[1].lane == "r1");
    CHECK(job.phases[1].slot == 0);
    CHECK(job.phases[2].phase == "compile");
    CHECK(job.phases[2].start_us == 1200);
    CHECK(job.phases[2].end_us == 1900);
    CHECK(job.phases[3].phase == "receive");
    CHECK(job.phases[3].slot == -1); // the runner's slot is free once it answered
    CHECK(job.phases[3].end_us == 1950);
    CHECK(f.board.jobs().empty());
}

TEST_CASE("job board: slots are the lowest free ones, and a requeued job gives its back") {
    Fixture f;
    f.board.submitted(1, 10, f.request("a.c"));
    f.board.submitted(2, 11, f.request("b.c"));
    f.board.dispatched(10, "r1", 0);
    f.board.dispatched(11, "r1", 0);
    auto jobs = f.board.jobs();
    REQUIRE(jobs.size() == 2);
    CHECK(jobs[0].slot == 0);
    CHECK(jobs[1].slot == 1);
    f.board.requeued(10);
    f.board.submitted(3, 12, f.request("c.c"));
    f.board.dispatched(12, "r1", 0);
    for (const auto& job : f.board.jobs())
        if (job.source == "c.c") CHECK(job.slot == 0);
    f.board.closed(1); // its wrapper went away while queued
    REQUIRE(f.finished.size() == 1);
    CHECK(f.finished[0].outcome == "cancelled");
}

TEST_CASE("job board: local steps are counted by kind, a counted fallback only once") {
    Fixture f;
    proto::IpcAcquireLocal step;
    step.what = "compile";
    step.reason = "-save-temps";
    f.board.local_requested(1, step);
    f.board.local_granted(1);
    CHECK(f.board.jobs()[0].phase == "local");
    f.board.closed(1);
    step.what = "link";
    step.reason.clear();
    f.board.local_requested(2, step);
    f.board.closed(2);
    f.board.submitted(3, 30, f.request("d.c"));
    f.board.answered(30, false, "runner failed");
    f.board.count_fallback("runner failed");
    step.what = "compile";
    step.counted = true;
    f.board.local_requested(3, step);
    f.board.local_granted(3);
    f.board.closed(3);
    CHECK(f.board.kept_local() == 1);
    CHECK(f.board.links() == 1);
    CHECK(f.board.local_reasons().at("-save-temps") == 1);
    CHECK(f.board.local_reasons().at("runner failed") == 1);
    REQUIRE(f.finished.size() == 3);
    CHECK(f.finished[0].outcome == "local");
    CHECK(f.finished[1].outcome == "link");
    CHECK(f.finished[2].outcome == "fallback");
    CHECK(f.finished[2].reason == "runner failed");
}

TEST_CASE("job board: without a listener nothing is reported") {
    Fixture f;
    f.board.set_listener(nullptr);
    f.board.submitted(1, 10, f.request("a.c"));
    f.board.closed(1);
    CHECK(f.events.empty());
    CHECK(f.finished.empty());
}

TEST_CASE("job board: a runner that asked for no file still shows its compile step") {
    Fixture f;
    f.board.submitted(1, 10, f.request("a.c"));
    f.now = 2000;
    f.board.dispatched(10, "r1", 0);
    f.now = 5000; // the runner compiled for 2 ms of the 3 ms since it was sent the job
    f.board.result_arrived(10, 2);
    f.board.answered(10, true, "");
    f.board.closed(1);
    REQUIRE(f.finished.size() == 1);
    const auto& phases = f.finished[0].phases;
    REQUIRE(phases.size() == 4);
    CHECK(phases[1].phase == "send");
    CHECK(phases[1].end_us == 3000);
    CHECK(phases[2].phase == "compile");
    CHECK(phases[2].start_us == 3000);
    CHECK(phases[2].end_us == 5000);
    CHECK(phases[2].slot == 0);
    CHECK(phases[3].phase == "receive");
}

TEST_CASE("job board: a speculative start is a remote job only once its wrapper used it") {
    Fixture f;
    proto::IpcCompile speculative = f.request("a.c");
    speculative.speculative = true;
    // Used: answered, confirmed, closed.
    f.board.submitted(1, 10, speculative);
    f.board.dispatched(10, "r1", 0);
    f.board.result_arrived(10, 100);
    f.board.answered(10, true, "");
    CHECK(f.board.jobs().at(0).outcome == "unconfirmed");
    f.board.speculation_used(1);
    f.board.closed(1);
    // Not used: answered, then the wrapper closed (its scan found another request).
    f.board.submitted(2, 11, speculative);
    f.board.dispatched(11, "r1", 0);
    f.board.result_arrived(11, 100);
    f.board.answered(11, true, "");
    f.board.closed(2);
    // Dropped before its answer.
    f.board.submitted(3, 12, speculative);
    f.board.dispatched(12, "r1", 0);
    f.board.closed(3);
    // A confirmation on a connection whose job was not speculative changes nothing.
    f.board.submitted(4, 13, f.request("b.c"));
    f.board.answered(13, false, "no runner is up");
    f.board.speculation_used(4);
    f.board.closed(4);
    REQUIRE(f.finished.size() == 4);
    CHECK(f.finished[0].outcome == "remote");
    CHECK(f.finished[1].outcome == "unused");
    CHECK(f.finished[2].outcome == "unused");
    CHECK(f.finished[3].outcome == "fallback");
}
