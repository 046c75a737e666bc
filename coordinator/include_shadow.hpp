// Shadow mode of the include analysis (issue 11, step 1; docs/include-analysis.md): for every
// compile request a wrapper sends, the coordinator also runs the analysis for the same unit
// and counts how its file set compares with the client's scan (coordinator/
// include_shadow_verdict.hpp), before the analysis may ever replace that scan. Nothing here
// touches the job: the request is copied, and the work runs on libuv's thread pool, one unit
// at a time, so the analyser's caches (directives, predefined macros and search lists per
// compiler and command-line shape) are only ever used by one thread, and a slow analysis
// delays other analyses, never a compile or the loop.
#pragma once

#include "coordinator/include_shadow_verdict.hpp"
#include "remote/protocol/messages.hpp"

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <uv.h>
#include <vector>

namespace ferry::coordinator {

// One unit as the analysis needs it, copied from the request (which moves on to the job).
struct ShadowUnit {
    std::string compiler_path;
    std::string cwd;
    std::vector<std::string> args;
    proto::EnvList env;
    std::string language;
    std::vector<std::string> files; // the scan's answer
    std::string label;              // for the log: the source
};

struct ShadowOutcome {
    ShadowComparison comparison;
    uint64_t analysis_us = 0; // the walk itself
    uint64_t probe_us = 0;    // compiler probes this unit had to run (0 once they are cached)
    std::string error;        // a probe failed: counted as refused
};

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

  private:
    std::vector<uint32_t> m_samples; // per unit, for the median; capped
};

// The worker side: the analysis with its caches. Not thread-safe; IncludeShadow hands it to
// one thread at a time.
class ShadowAnalyst {
  public:
    ShadowAnalyst();
    ~ShadowAnalyst();
    ShadowAnalyst(const ShadowAnalyst&) = delete;
    ShadowAnalyst& operator=(const ShadowAnalyst&) = delete;
    ShadowOutcome analyse(const ShadowUnit& unit);

  private:
    struct Caches;
    std::unique_ptr<Caches> m_caches;
};

class IncludeShadow {
  public:
    explicit IncludeShadow(uv_loop_t* loop);
    ~IncludeShadow();
    IncludeShadow(const IncludeShadow&) = delete;
    IncludeShadow& operator=(const IncludeShadow&) = delete;

    // Queues the unit; returns at once.
    void submit(const proto::IpcCompile& request);
    // Drops the units still waiting (the coordinator is stopping); one in flight finishes.
    void stop();
    const ShadowCounters& counters() const { return m_counters; }
    bool idle() const { return !m_busy && m_pending.empty(); }

  private:
    struct Shared;
    struct Work;
    void start_next();
    void finished(const ShadowUnit& unit, const ShadowOutcome& outcome);
    static void run(uv_work_t* req);
    static void done(uv_work_t* req, int status);

    uv_loop_t* m_loop;
    std::shared_ptr<Shared> m_shared;
    std::deque<ShadowUnit> m_pending;
    ShadowCounters m_counters;
    bool m_busy = false;
    bool m_stopped = false;
};

} // namespace ferry::coordinator
