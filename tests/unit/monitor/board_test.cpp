#include "monitor/board.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::monitor;

namespace {

proto::JobView job(uint64_t id, std::string phase, std::string runner, int32_t slot) {
    proto::JobView j;
    j.id = id;
    j.source = "f" + std::to_string(id) + ".c";
    j.phase = std::move(phase);
    j.runner = std::move(runner);
    j.slot = slot;
    return j;
}

} // namespace

TEST_CASE("events move jobs and the derived counts between snapshots") {
    proto::IpcJobs snap;
    proto::RunnerStatus r;
    r.name = "r1";
    r.slots = 2;
    snap.status.runners = {r};
    snap.status.local_slots = 2;
    Board board;
    board.apply(snap);

    board.apply(proto::IpcJobEvent{job(1, "scan", "local", 0), false, 10});
    board.apply(proto::IpcJobEvent{job(2, "queue", "", -1), false, 11});
    CHECK(board.snapshot().status.local_in_use == 1);
    CHECK(board.snapshot().status.queued == 1);

    board.apply(proto::IpcJobEvent{job(1, "compile", "r1", 1), false, 12});
    CHECK(board.snapshot().jobs.size() == 2);
    CHECK(board.snapshot().status.local_in_use == 0);
    CHECK(board.snapshot().status.runners[0].in_flight == 1);

    auto done = job(1, "done", "r1", -1);
    done.outcome = "remote";
    board.apply(proto::IpcJobEvent{done, true, 13});
    auto back = job(2, "done", "", -1);
    back.outcome = "fallback";
    back.reason = "no runner";
    board.apply(proto::IpcJobEvent{back, true, 14});
    CHECK(board.snapshot().jobs.empty());
    CHECK(board.snapshot().status.jobs_remote == 1);
    CHECK(board.snapshot().status.jobs_local == 1);
    CHECK(board.snapshot().status.runners[0].in_flight == 0);
    CHECK(board.snapshot().status.queued == 0);
    CHECK(board.snapshot().now_us == 14);

    // A fresh snapshot replaces everything.
    board.apply(snap);
    CHECK(board.snapshot().status.jobs_remote == 0);
}
