// include_analysis = "on" (docs/include-analysis.md, "On"): the include analysis replaces the
// client's scan. A wrapper sends its request without a file list (IpcCompile::analyse); the
// unit is analysed on the worker (include_worker.hpp, the caches shadow mode uses), and
// either its file list and the compiler's built-in directories go into the request, with
// the set the runner's answer must be proved against (include_proof.hpp), or the wrapper is
// told why to scan after all. Counts what came of each unit.
#pragma once

#include "coordinator/include_proof.hpp"
#include "coordinator/include_shadow.hpp"
#include "coordinator/include_worker.hpp"
#include "ipc/messages.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <uv.h>
#include <vector>

namespace ferry::coordinator {

struct ServeAnswer {
    std::string scan_needed; // not empty: the wrapper must scan (a short reason, counted)
    std::string detail;      // for the log
    // Otherwise: the request's file list and built-in directories, and what to prove.
    std::vector<std::string> files;
    std::vector<std::string> system_include_dirs;
    std::shared_ptr<const ProofBasis> proof;
};

// The request's fields from an answer of the analysis (no refusing problem): the source
// first, then the analysis' files, absolute and without duplicates.
ServeAnswer served_request(const AnalysisUnit& unit, const AnalysisAnswer& answer);

class IncludeServe {
  public:
    explicit IncludeServe(uv_loop_t* loop) : m_worker(loop) {}

    // `done` is called on the loop: later, or at once when the unit cannot be queued.
    void analyse(const proto::IpcCompile& request, const std::function<void(ServeAnswer)>& done);
    void stop() { m_worker.stop(); }
    bool idle() const { return m_worker.idle(); }

    // A wrapper scanned a unit (IpcCompile::scan_reason).
    void count_scanned(const std::string& reason) { ++m_scanned[reason]; }
    void count_served() { ++m_served; }
    // A served unit sent back to the scan after its analysis (include_proof.hpp,
    // partial_proof_problem): counted with the analysis' own refusals.
    void count_refused() { ++m_counters.refused; }
    // The runner's answer for a served unit: proved, or a miss (an analysis bug).
    void count_proof(bool proved) { ++(proved ? m_counters.superset : m_counters.missed); }

    const ShadowCounters& counters() const { return m_counters; }
    uint64_t served() const { return m_served; }
    const std::map<std::string, uint64_t>& scanned() const { return m_scanned; }

  private:
    IncludeWorker m_worker;
    ShadowCounters m_counters; // superset = proved, missed = proof failed, refused = scan needed
    uint64_t m_served = 0;
    std::map<std::string, uint64_t> m_scanned;
};

} // namespace ferry::coordinator
