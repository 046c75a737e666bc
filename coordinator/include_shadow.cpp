#include "coordinator/include_shadow.hpp"

#include "util/log.hpp"

#include <algorithm>

namespace ferry::coordinator {

namespace {

// Units waiting for the worker. A build that outruns the analysis loses samples, not speed:
// some 20 MB of copied requests at most.
constexpr size_t kMaxPending = 4096;
constexpr size_t kMaxSamples = size_t(1) << 20;
constexpr size_t kMissesLogged = 3; // per unit

} // namespace

// ---- counters ----

void ShadowCounters::add_times(uint64_t walk_us, uint64_t probes_us) {
    ++units;
    analysis_us += walk_us;
    probe_us += probes_us;
    if (m_samples.size() < kMaxSamples)
        m_samples.push_back(static_cast<uint32_t>(std::min<uint64_t>(walk_us, UINT32_MAX)));
}

void ShadowCounters::add(const ShadowOutcome& outcome) {
    switch (outcome.comparison.verdict) {
    case ShadowVerdict::superset:
        ++superset;
        extra_files += outcome.comparison.extra;
        break;
    case ShadowVerdict::missed:
        ++missed;
        break;
    case ShadowVerdict::refused:
        ++refused;
        break;
    }
    add_times(outcome.analysis_us, outcome.probe_us);
}

uint64_t ShadowCounters::median_us() const {
    if (m_samples.empty()) return 0;
    std::vector<uint32_t> sorted = m_samples;
    auto middle = sorted.begin() + static_cast<ptrdiff_t>(sorted.size() / 2);
    std::nth_element(sorted.begin(), middle, sorted.end());
    return *middle;
}

ShadowOutcome shadow_outcome(const AnalysisUnit& unit, const AnalysisAnswer& answer) {
    ShadowOutcome out;
    out.analysis_us = answer.analysis_us;
    out.probe_us = answer.probe_us;
    if (!answer.error.empty()) {
        out.error = answer.error;
        out.comparison.verdict = ShadowVerdict::refused;
        out.comparison.refused_because = answer.error;
        return out;
    }
    out.comparison = compare_with_scan(unit.files, answer.analysis, unit.cwd);
    return out;
}

// ---- the loop side ----

void IncludeShadow::submit(const proto::IpcCompile& request) {
    if (request.language != "c" && request.language != "c++") return;
    bool queued = m_worker.submit(
        analysis_unit(request),
        [this](AnalysisUnit& unit, AnalysisAnswer& answer) {
            finished(unit, shadow_outcome(unit, answer));
        },
        kMaxPending);
    if (!queued && m_worker.pending() >= kMaxPending && m_counters.skipped++ == 0)
        log::warning("include analysis (shadow) cannot keep up: units are skipped");
}

void IncludeShadow::finished(const AnalysisUnit& unit, const ShadowOutcome& outcome) {
    m_counters.add(outcome);
    const auto& c = outcome.comparison;
    switch (c.verdict) {
    case ShadowVerdict::superset:
        log::debug("include analysis: superset (+{}) for unit {} in {:.1f} ms", c.extra, unit.label,
                   static_cast<double>(outcome.analysis_us) / 1000.0);
        break;
    case ShadowVerdict::missed:
        for (size_t k = 0; k < c.missing.size() && k < kMissesLogged; ++k)
            log::info("include analysis missed {} for unit {}", c.missing[k], unit.label);
        if (c.missing.size() > kMissesLogged)
            log::info("include analysis missed {} more files for unit {}",
                      c.missing.size() - kMissesLogged, unit.label);
        break;
    case ShadowVerdict::refused:
        log::info("include analysis refused unit {}: {}", unit.label, c.refused_because);
        break;
    }
}

} // namespace ferry::coordinator
