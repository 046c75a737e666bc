// The include analysis as the coordinator runs it (docs/include-analysis.md): the analyst
// with its caches (directives, predefined macros and search lists per compiler and
// command-line shape), and the worker that runs it on libuv's thread pool, one unit at a
// time, so the caches are only ever used by one thread and a slow analysis delays other
// analyses, never the loop. Shadow mode (include_shadow.hpp) compares its answers with the
// client's scan; "on" mode (include_serve.hpp) ships them.
#pragma once

#include "coordinator/includes/analyser.hpp"
#include "coordinator/includes/walk_memo.hpp"
#include "ipc/messages.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <uv.h>
#include <vector>

namespace ferry::coordinator {

// One unit as the analysis needs it, copied from the request.
struct AnalysisUnit {
    std::string compiler_path;
    std::string cwd;
    std::vector<std::string> args;
    proto::EnvList env;
    std::string language;
    std::vector<std::string> files; // shadow mode: the scan's answer
    std::string label;              // for the log: the source
};

AnalysisUnit analysis_unit(const proto::IpcCompile& request);

struct AnalysisAnswer {
    includes::Analysis analysis;
    includes::SearchLists lists; // learned from the compiler (-E -v), user directories included
    std::string source;          // as on the command line
    uint64_t analysis_us = 0;    // the walk itself: the analysing thread's CPU time
    uint64_t probe_us = 0;       // compiler probes this unit had to run (0 once they are cached)
    std::string error;           // not empty: no analysis (a probe failed, no source...)
};

// Not thread-safe; IncludeWorker hands it to one thread at a time.
class IncludeAnalyst {
  public:
    // `memo`: headers' walks remembered across units (includes/walk_memo.hpp); off only to
    // measure what it saves.
    explicit IncludeAnalyst(bool memo = true);
    ~IncludeAnalyst();
    IncludeAnalyst(const IncludeAnalyst&) = delete;
    IncludeAnalyst& operator=(const IncludeAnalyst&) = delete;
    AnalysisAnswer analyse(const AnalysisUnit& unit);
    // What the memo did so far, and its size.
    includes::WalkMemo::Counters memo_counters() const;
    size_t memo_bytes() const;

  private:
    struct Caches;
    std::unique_ptr<Caches> m_caches;
    bool m_memo;
};

class IncludeWorker {
  public:
    // On the loop, once the unit is analysed (never after the worker is gone).
    using Done = std::function<void(AnalysisUnit& unit, AnalysisAnswer& answer)>;

    explicit IncludeWorker(uv_loop_t* loop);
    ~IncludeWorker();
    IncludeWorker(const IncludeWorker&) = delete;
    IncludeWorker& operator=(const IncludeWorker&) = delete;

    // Queues the unit and returns at once; false (and `done` is never called) when stopped
    // or when `max_pending` units already wait.
    bool submit(AnalysisUnit unit, Done done, size_t max_pending);
    // Drops the units still waiting (the coordinator is stopping); one in flight finishes.
    void stop();
    bool idle() const { return !m_busy && m_pending.empty(); }
    size_t pending() const { return m_pending.size(); }

  private:
    struct Shared;
    struct Work;
    struct Waiting {
        AnalysisUnit unit;
        Done done;
    };
    void start_next();
    static void run(uv_work_t* req);
    static void finished(uv_work_t* req, int status);

    uv_loop_t* m_loop;
    std::shared_ptr<Shared> m_shared;
    std::deque<Waiting> m_pending;
    bool m_busy = false;
    bool m_stopped = false;
};

} // namespace ferry::coordinator
