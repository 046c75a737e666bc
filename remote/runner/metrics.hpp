// ferryd's metrics registry (docs/metrics.md is the schema): the counters and the job
// duration histogram that the server and its connections bump as things happen, and their
// rendering, with a snapshot of the gauges, as Prometheus text. Counters only go up for the
// life of the process; every label value exists from the start (at 0), so a scraper never
// sees a series appear out of nothing.
#pragma once

#include "remote/runner/prometheus_text.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace ferry::runner {

// How a job ended, as the runner tells them apart. Each accepted job ends in exactly one.
enum class JobOutcome {
    ok,            // the compiler ran and exited 0
    compile_error, // the compiler ran and exited non-zero: the user's answer
    signal,        // the compiler was killed by a signal the runner did not send
    timeout,       // killed after --job-timeout
    failed,        // the runner could not run or finish it (queue full, files never came, ...)
    refused,       // policy said no (compiler not offered, argument not allowed, manifest)
    cancelled,     // the client went away first
};
inline constexpr size_t kJobOutcomes = 7;
const char* outcome_name(JobOutcome outcome);
// A job whose compiler ran to its end.
JobOutcome completed_outcome(int32_t exit_code, int term_signal);

enum class RefusedConnection { not_allowed, too_many };
inline constexpr size_t kRefusedReasons = 2;

// The answers the metrics port gives (metrics_http.hpp), counted by status code.
inline constexpr std::array<int, 9> kMetricsStatusCodes = {200, 400, 403, 404, 405,
                                                           408, 431, 503, 505};

// Seconds; a remote compile is rarely under 50 ms and --job-timeout defaults to 300 s.
inline constexpr std::array<double, 13> kJobDurationBuckets = {0.05, 0.1, 0.25, 0.5, 1,   2.5, 5,
                                                               10,   20,  30,   60,  120, 300};

// What is true now, read from the server when a scrape comes.
struct RunnerGauges {
    uint64_t jobs_queued = 0;    // files all there, waiting for a slot
    uint64_t jobs_in_intake = 0; // accepted, not running (mirror, files or a slot)
    uint64_t slots_busy = 0;
    uint64_t slots_total = 0;
    uint64_t connections_open = 0;
    uint64_t metrics_connections_open = 0;
};

class RunnerMetrics {
  public:
    RunnerMetrics();

    void job_received() { ++m_jobs_received; }
    void job_finished(JobOutcome outcome) { ++m_jobs_finished[static_cast<size_t>(outcome)]; }
    // Wall time of a compile that ran (any outcome but a cancelled one).
    void job_ran(double seconds) { m_job_duration.observe(seconds); }
    void bytes_received(uint64_t n) { m_bytes_received += n; }
    void bytes_sent(uint64_t n) { m_bytes_sent += n; }
    void cache_hit() { ++m_cache_hits; }
    void cache_misses(uint64_t n) { m_cache_misses += n; }
    void installed_reused(uint64_t n) { m_installed_reused += n; }
    void mirror_reused(uint64_t files_kept) {
        ++m_mirrors_reused;
        m_mirror_files_kept += files_kept;
    }
    void connection_refused(RefusedConnection why) {
        ++m_connections_refused[static_cast<size_t>(why)];
    }
    // A status code outside kMetricsStatusCodes is not counted.
    void metrics_answered(int status);

    uint64_t jobs_finished(JobOutcome outcome) const {
        return m_jobs_finished[static_cast<size_t>(outcome)];
    }
    const prom::Histogram& job_duration() const { return m_job_duration; }

    std::string render(const RunnerGauges& gauges) const;

  private:
    uint64_t m_jobs_received = 0;
    std::array<uint64_t, kJobOutcomes> m_jobs_finished{};
    prom::Histogram m_job_duration;
    uint64_t m_bytes_received = 0;
    uint64_t m_bytes_sent = 0;
    uint64_t m_cache_hits = 0;
    uint64_t m_cache_misses = 0;
    uint64_t m_installed_reused = 0;
    uint64_t m_mirrors_reused = 0;
    uint64_t m_mirror_files_kept = 0;
    std::array<uint64_t, kRefusedReasons> m_connections_refused{};
    std::array<uint64_t, kMetricsStatusCodes.size()> m_metrics_answers{};
};

} // namespace ferry::runner
