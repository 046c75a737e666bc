#include "remote/runner/metrics.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ferry::runner {

const char* outcome_name(JobOutcome outcome) {
    switch (outcome) {
    case JobOutcome::ok:
        return "ok";
    case JobOutcome::compile_error:
        return "compile_error";
    case JobOutcome::signal:
        return "signal";
    case JobOutcome::timeout:
        return "timeout";
    case JobOutcome::failed:
        return "failed";
    case JobOutcome::refused:
        return "refused";
    case JobOutcome::cancelled:
        return "cancelled";
    }
    return "unknown";
}

JobOutcome completed_outcome(int32_t exit_code, int term_signal) {
    if (term_signal != 0) return JobOutcome::signal;
    return exit_code == 0 ? JobOutcome::ok : JobOutcome::compile_error;
}

static const char* refused_name(size_t reason) {
    return static_cast<RefusedConnection>(reason) == RefusedConnection::not_allowed ? "not_allowed"
                                                                                    : "too_many";
}

RunnerMetrics::RunnerMetrics()
    : m_job_duration({kJobDurationBuckets.begin(), kJobDurationBuckets.end()}) {}

void RunnerMetrics::metrics_answered(int status) {
    auto it = std::find(kMetricsStatusCodes.begin(), kMetricsStatusCodes.end(), status);
    if (it != kMetricsStatusCodes.end()) ++m_metrics_answers[it - kMetricsStatusCodes.begin()];
}

std::string RunnerMetrics::render(const RunnerGauges& gauges) const {
    using prom::Type;
    prom::TextWriter w;
    w.family("ferryd_jobs_received_total", Type::counter, "Job requests received.");
    w.sample("ferryd_jobs_received_total", {}, m_jobs_received);
    w.family("ferryd_jobs_finished_total", Type::counter,
             "Jobs that ended, by how they ended (docs/metrics.md).");
    for (size_t i = 0; i < kJobOutcomes; ++i)
        w.sample("ferryd_jobs_finished_total", {{"result", outcome_name(JobOutcome(i))}},
                 m_jobs_finished[i]);
    w.histogram("ferryd_job_duration_seconds",
                "Wall time of each compile that ran here, from starting the compiler to its "
                "exit.",
                m_job_duration);

    w.family("ferryd_jobs_queued", Type::gauge,
             "Jobs whose files are all here, waiting for a free slot.");
    w.sample("ferryd_jobs_queued", {}, gauges.jobs_queued);
    w.family("ferryd_jobs_in_intake", Type::gauge,
             "Jobs accepted and not yet running: mirror being built, waiting for files or for "
             "a slot (bounded by --max-queue).");
    w.sample("ferryd_jobs_in_intake", {}, gauges.jobs_in_intake);
    w.family("ferryd_slots_busy", Type::gauge, "Compiles running now.");
    w.sample("ferryd_slots_busy", {}, gauges.slots_busy);
    w.family("ferryd_slots", Type::gauge, "Compiles this runner runs at once (--jobs).");
    w.sample("ferryd_slots", {}, gauges.slots_total);

    w.family("ferryd_received_bytes_total", Type::counter,
             "Bytes read from client connections (job port).");
    w.sample("ferryd_received_bytes_total", {}, m_bytes_received);
    w.family("ferryd_sent_bytes_total", Type::counter,
             "Bytes queued for sending on client connections (job port).");
    w.sample("ferryd_sent_bytes_total", {}, m_bytes_sent);

    w.family("ferryd_file_cache_hits_total", Type::counter,
             "Contents a job's manifest named that the file cache already held.");
    w.sample("ferryd_file_cache_hits_total", {}, m_cache_hits);
    w.family("ferryd_file_cache_misses_total", Type::counter,
             "Contents a job's manifest named that the cache lacked: asked for (NeedFiles), or "
             "supplied by this machine's identical installed file.");
    w.sample("ferryd_file_cache_misses_total", {}, m_cache_misses);
    w.family("ferryd_installed_files_reused_total", Type::counter,
             "Toolchain files a job's manifest named that the cache lacked and this machine's "
             "own identical file supplied (no transfer).");
    w.sample("ferryd_installed_files_reused_total", {}, m_installed_reused);
    w.family("ferryd_mirrors_reused_total", Type::counter,
             "Job mirrors made from the mirror a finished job of the same connection left, "
             "rather than from nothing (--no-reuse-mirrors turns this off).");
    w.sample("ferryd_mirrors_reused_total", {}, m_mirrors_reused);
    w.family("ferryd_mirror_files_kept_total", Type::counter,
             "Files of reused mirrors that were already in place: no link, no removal.");
    w.sample("ferryd_mirror_files_kept_total", {}, m_mirror_files_kept);

    w.family("ferryd_connections_open", Type::gauge, "Client connections open (job port).");
    w.sample("ferryd_connections_open", {}, gauges.connections_open);
    w.family("ferryd_connections_refused_total", Type::counter,
             "Client connections refused at accept (job port), by reason.");
    for (size_t i = 0; i < kRefusedReasons; ++i)
        w.sample("ferryd_connections_refused_total", {{"reason", refused_name(i)}},
                 m_connections_refused[i]);

    w.family("ferryd_metrics_connections_open", Type::gauge,
             "Connections open on the metrics port.");
    w.sample("ferryd_metrics_connections_open", {}, gauges.metrics_connections_open);
    w.family("ferryd_metrics_responses_total", Type::counter,
             "Answers given on the metrics port, by HTTP status (this scrape not included).");
    for (size_t i = 0; i < kMetricsStatusCodes.size(); ++i) {
        const std::string code = fmt::format("{}", kMetricsStatusCodes[i]);
        w.sample("ferryd_metrics_responses_total", {{"code", code}}, m_metrics_answers[i]);
    }
    return w.take();
}

} // namespace ferry::runner
