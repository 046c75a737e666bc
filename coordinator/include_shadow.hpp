// Shadow mode of the include analysis (issue 11, step 1; docs/include-analysis.md): for every
// compile request a wrapper sends, the coordinator also runs the analysis for the same unit
// (coordinator/include_worker.hpp) and counts how its file set compares with the client's
// scan (coordinator/include_shadow_verdict.hpp). Nothing here touches the job: the request
// is copied and analysed on libuv's thread pool, behind the build.
#pragma once

#include "coordinator/include_shadow_verdict.hpp"
#include "coordinator/include_worker.hpp"
#include "ipc/messages.hpp"

#include <cstdint>
#include <string>
#include <uv.h>
#include <vector>

namespace ferry::coordinator {

struct ShadowOutcome {
    ShadowComparison comparison;
    uint64_t analysis_us = 0; // the walk itself
    uint64_t probe_us = 0;    // compiler probes this unit had to run (0 once they are cached)
    std::string error;        // a probe failed: counted as refused
};

// The analysis' counters, in shadow mode and (with superset = proved) in "on" mode.
struct ShadowCounters {
    uint64_t units = 0;
    uint64_t superset = 0;
    uint64_t missed = 0;
    uint64_t refused = 0;
    uint64_t extra_files = 0; // over the superset units
    uint64_t analysis_us = 0;
    uint64_t probe_us = 0;
    uint64_t skipped = 0; // not analysed: too many waiting
    uint64_t median_us() const;
    void add(const ShadowOutcome& outcome);
    // One analysis run (its walk and probes), whatever came of it.
    void add_times(uint64_t walk_us, uint64_t probes_us);

  private:
    std::vector<uint32_t> m_samples; // per unit, for the median; capped
};

// The verdict of an answer against the scan's files (`unit.files`).
ShadowOutcome shadow_outcome(const AnalysisUnit& unit, const AnalysisAnswer& answer);

class IncludeShadow {
  public:
    explicit IncludeShadow(uv_loop_t* loop) : m_worker(loop) {}

    // Queues the unit; returns at once.
    void submit(const proto::IpcCompile& request);
    // Drops the units still waiting (the coordinator is stopping); one in flight finishes.
    void stop() { m_worker.stop(); }
    const ShadowCounters& counters() const { return m_counters; }
    bool idle() const { return m_worker.idle(); }

  private:
    void finished(const AnalysisUnit& unit, const ShadowOutcome& outcome);

    IncludeWorker m_worker;
    ShadowCounters m_counters;
};

} // namespace ferry::coordinator
