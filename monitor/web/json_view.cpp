#include "monitor/web/json_view.hpp"

namespace ferry::monitor::web {

using nlohmann::json;

nlohmann::json to_json(const proto::IpcStatus& status) {
    json runners = json::array();
    for (const auto& r : status.runners) {
        json compilers = json::array();
        for (const auto& c : r.compilers)
            compilers.push_back({{"name", c.name},
                                 {"driver", c.driver},
                                 {"target", c.target},
                                 {"version", c.version},
                                 {"id", c.id}});
        runners.push_back({{"name", r.name},
                           {"address", r.address},
                           {"state", r.state},
                           {"slots", r.slots},
                           {"in_flight", r.in_flight},
                           {"jobs_done", r.jobs_done},
                           {"failures", r.failures},
                           {"last_error", r.last_error},
                           {"compilers", std::move(compilers)},
                           {"runs_toolchains", r.runs_toolchains},
                           {"backoff_ms", r.backoff_ms}});
    }
    json reasons = json::object();
    for (const auto& r : status.local_reasons)
        reasons[r.reason] = r.count;
    return {{"runners", std::move(runners)},     {"remote_capacity", status.remote_capacity},
            {"local_slots", status.local_slots}, {"local_in_use", status.local_in_use},
            {"queued", status.queued},           {"jobs_remote", status.jobs_remote},
            {"jobs_local", status.jobs_local},   {"jobs_kept_local", status.jobs_kept_local},
            {"links_local", status.links_local}, {"local_reasons", std::move(reasons)},
            {"watchers", status.watchers},       {"pid", status.pid}};
}

nlohmann::json to_json(const proto::JobView& job) {
    json phases = json::array();
    for (const auto& p : job.phases)
        phases.push_back({{"phase", p.phase},
                          {"lane", p.lane},
                          {"slot", p.slot},
                          {"start_us", p.start_us},
                          {"end_us", p.end_us}});
    return {{"id", job.id},
            {"pid", job.pid},
            {"build", job.build},
            {"source", job.source},
            {"phase", job.phase},
            {"runner", job.runner},
            {"slot", job.slot},
            {"phase_start_us", job.phase_start_us},
            {"outcome", job.outcome},
            {"reason", job.reason},
            {"compile_ms", job.compile_ms},
            {"phases", std::move(phases)}};
}

nlohmann::json to_json(const proto::IpcJobs& jobs) {
    json list = json::array();
    for (const auto& j : jobs.jobs)
        list.push_back(to_json(j));
    return {{"status", to_json(jobs.status)}, {"jobs", std::move(list)}, {"now_us", jobs.now_us}};
}

nlohmann::json to_json(const proto::IpcJobEvent& event) {
    return {{"job", to_json(event.job)}, {"finished", event.finished}, {"now_us", event.now_us}};
}

std::string dump(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

} // namespace ferry::monitor::web
