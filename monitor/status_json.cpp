#include "monitor/status_json.hpp"

namespace ferry::monitor {
namespace {

nlohmann::json compiler_json(const proto::CompilerInfo& c) {
    return {{"name", c.name},
            {"driver", c.driver},
            {"target", c.target},
            {"version", c.version},
            {"id", c.id}};
}

nlohmann::json runner_json(const proto::RunnerStatus& r) {
    auto compilers = nlohmann::json::array();
    for (const auto& c : r.compilers)
        compilers.push_back(compiler_json(c));
    return {{"name", r.name},
            {"address", r.address},
            {"state", r.state},
            {"slots", r.slots},
            {"busy", r.in_flight},
            {"jobs_done", r.jobs_done},
            {"failures", r.failures},
            {"last_error", r.last_error},
            {"backoff_ms", r.backoff_ms},
            {"runs_toolchains", r.runs_toolchains},
            {"compilers", std::move(compilers)}};
}

} // namespace

nlohmann::json status_json(const proto::IpcStatus& status, const std::string& config_source) {
    auto runners = nlohmann::json::array();
    for (const auto& r : status.runners)
        runners.push_back(runner_json(r));
    auto reasons = nlohmann::json::object();
    for (const auto& r : status.local_reasons)
        reasons[r.reason] = r.count;
    auto scanned = nlohmann::json::object();
    for (const auto& r : status.analysis_scanned)
        scanned[r.reason] = r.count;
    return {{"schema_version", kStatusSchemaVersion},
            {"coordinator_pid", status.pid},
            {"config_source", config_source},
            {"runners", std::move(runners)},
            {"remote_capacity", status.remote_capacity},
            {"local_slots", status.local_slots},
            {"local_in_use", status.local_in_use},
            {"local_waiting", status.local_waiting},
            {"offload_cpu_ms", status.offload_cpu_ms},
            {"queued", status.queued},
            {"watchers", status.watchers},
            {"include_analysis",
             {{"mode", status.include_analysis_mode},
              {"units", status.shadow_units},
              {"superset", status.shadow_superset},
              {"missed", status.shadow_missed},
              {"refused", status.shadow_refused},
              {"extra_files", status.shadow_extra_files},
              {"analysis_ms_total", static_cast<double>(status.shadow_analysis_us) / 1000.0},
              {"analysis_ms_median", static_cast<double>(status.shadow_median_us) / 1000.0},
              {"probe_ms_total", static_cast<double>(status.shadow_probe_us) / 1000.0},
              {"pending", status.shadow_pending},
              {"served", status.analysis_served},
              {"scanned", std::move(scanned)}}},
            {"backups",
             {{"started", status.backups_started},
              {"won", status.backups_won},
              {"discarded", status.backups_discarded}}},
            {"jobs",
             {{"remote", status.jobs_remote},
              {"local", status.jobs_local + status.jobs_kept_local},
              {"sent_back", status.jobs_local},
              {"kept_local", status.jobs_kept_local},
              {"links", status.links_local},
              {"speculative_used", status.speculative_used},
              {"speculative_unused", status.speculative_unused},
              {"scan_passes", status.scan_passes},
              {"local_reasons", std::move(reasons)}}}};
}

std::string status_json_text(const proto::IpcStatus& status, const std::string& config_source) {
    return status_json(status, config_source)
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
           "\n";
}

} // namespace ferry::monitor
