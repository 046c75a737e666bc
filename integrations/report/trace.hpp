// A build's jobs as a Chrome trace (the trace-event "JSON Object Format"), which Perfetto
// (ui.perfetto.dev) and chrome://tracing open. Pure: finished JobViews in, JSON text out.
//
// Lanes: one trace "process" per lane group — each runner, "local" (scans, local
// compiles, links), and "queue" — and one "thread" per slot ("r1 slot 0"). Each step of a
// job is a complete event ("ph":"X") on its lane and slot, named after the source file,
// `cat` = the phase. Waiting (`wait` for a local slot, `queue` for a runner slot) holds no
// slot, so it cannot go on a slot row; it goes to the "queue" group, each step on the
// first row free at its start, so rows never overlap and the number of rows shows how
// many jobs waited at once. (Async events would do too, but Perfetto draws each async
// id on its own track, which is one track per job: unreadable for a real build.)
#pragma once

#include "ipc/messages.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::integrations::report {

struct TraceInput {
    std::vector<proto::JobView> finished;
    uint64_t start_us = 0; // the build's start on the coordinator's clock: ts 0
    std::string build;     // the build id, kept in "otherData"
};

std::string trace_json(const TraceInput& input);

// The trace "pid" of the fixed lane groups; runners follow from kFirstRunnerPid, by name.
inline constexpr int kLocalPid = 1;
inline constexpr int kQueuePid = 2;
inline constexpr int kFirstRunnerPid = 3;

} // namespace ferry::integrations::report
