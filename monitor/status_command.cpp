#include "monitor/status_command.hpp"

#include "config/hosts.hpp"
#include "ipc/coordinator_client.hpp"
#include "monitor/status_json.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <thread>

namespace ferry::monitor {
namespace {

constexpr auto kSettleTime = std::chrono::seconds(2);

bool any_connecting(const proto::IpcStatus& status) {
    return std::any_of(status.runners.begin(), status.runners.end(),
                       [](const proto::RunnerStatus& r) { return r.state == "connecting"; });
}

// Indented under the table, so scripts that read the runner lines by their first column
// still see one line per runner.
std::string runner_details(const proto::RunnerStatus& r) {
    std::string out;
    if (r.state == "backoff" && r.backoff_ms > 0)
        out += fmt::format("  {}: next try in {:.1f} s\n", r.name,
                           static_cast<double>(r.backoff_ms) / 1000);
    for (const auto& c : r.compilers)
        out += fmt::format("  {} compiler {}: {} ({})\n", r.name, c.name, c.version, c.target);
    if (r.runs_toolchains)
        out += fmt::format("  {} also runs the client's own compilers (sandboxed)\n", r.name);
    return out;
}

} // namespace

std::string format_status(const proto::IpcStatus& status, const std::string& config_source) {
    std::string out = fmt::format("coordinator pid {}, hosts from {}\n", status.pid,
                                  config_source.empty() ? "(none)" : config_source);
    if (status.runners.empty()) {
        out += "no runners: every job compiles locally\n";
    } else {
        size_t name_width = 6, address_width = 7;
        for (const auto& r : status.runners) {
            name_width = std::max(name_width, r.name.size());
            address_width = std::max(address_width, r.address.size());
        }
        out += fmt::format("{:<{}}  {:<{}}  {:<10}  {:>5}  {:>4}  {:>8}  {:>8}  {}\n", "RUNNER",
                           name_width, "ADDRESS", address_width, "STATE", "SLOTS", "BUSY", "JOBS",
                           "FAILURES", "LAST ERROR");
        for (const auto& r : status.runners)
            out += fmt::format("{:<{}}  {:<{}}  {:<10}  {:>5}  {:>4}  {:>8}  {:>8}  {}\n", r.name,
                               name_width, r.address, address_width, r.state, r.slots, r.in_flight,
                               r.jobs_done, r.failures, r.last_error);
        for (const auto& r : status.runners)
            out += runner_details(r);
    }
    out += fmt::format("remote capacity: {} slots\n", status.remote_capacity);
    out += fmt::format("local slots: {} of {} in use\n", status.local_in_use, status.local_slots);
    out += fmt::format("queued: {}\n", status.queued);
    out += fmt::format("jobs: {} remote, {} local ({} sent back, {} kept local), {} links\n",
                       status.jobs_remote, status.jobs_local + status.jobs_kept_local,
                       status.jobs_local, status.jobs_kept_local, status.links_local);
    if (status.speculative_used + status.speculative_unused > 0)
        out += fmt::format("speculative starts: {} used, {} unused\n", status.speculative_used,
                           status.speculative_unused);
    if (status.backups_started > 0)
        out += fmt::format("backups: started {}, won {} ({} late answers discarded)\n",
                           status.backups_started, status.backups_won, status.backups_discarded);
    if (!status.local_reasons.empty()) {
        std::string reasons;
        for (const auto& r : status.local_reasons)
            reasons += fmt::format("{}{} ({})", reasons.empty() ? "" : ", ", r.reason, r.count);
        out += "local because: " + reasons + "\n";
    }
    const auto mean_ms = [&] {
        return static_cast<double>(status.shadow_analysis_us) / 1000.0 /
               static_cast<double>(std::max<uint64_t>(status.shadow_units, 1));
    };
    if (status.include_analysis_mode == "on") {
        std::string scanned;
        for (const auto& r : status.analysis_scanned)
            scanned += fmt::format("{}{} ({})", scanned.empty() ? "" : ", ", r.reason, r.count);
        out += fmt::format("include analysis (on): {} units analysed, {} jobs served, {} proved, "
                           "{} missed, median/mean {:.1f}/{:.1f} ms\n",
                           status.shadow_units, status.analysis_served, status.shadow_superset,
                           status.shadow_missed,
                           static_cast<double>(status.shadow_median_us) / 1000.0, mean_ms());
        if (!scanned.empty()) out += "include analysis scanned because: " + scanned + "\n";
    } else if (status.shadow_units > 0) {
        out += fmt::format("include analysis (shadow): {} units, {} superset, {} missed, {} "
                           "refused, median/mean {:.1f}/{:.1f} ms\n",
                           status.shadow_units, status.shadow_superset, status.shadow_missed,
                           status.shadow_refused,
                           static_cast<double>(status.shadow_median_us) / 1000.0, mean_ms());
    }
    return out;
}

int status_command(const std::string& hosts_flag, bool json) {
    auto config = config::load(config::options_from_environment(hosts_flag));
    if (!config) {
        std::fprintf(stderr, "ferry: %s\n", config.error().message.c_str());
        return 1;
    }
    auto client = ipc::CoordinatorClient::connect(*config, hosts_flag, true);
    if (!client) {
        std::fprintf(stderr, "ferry: cannot reach the coordinator: %s\n",
                     client.error().message.c_str());
        return 1;
    }
    auto status = client->status();
    // A coordinator started just now is still dialling its runners; give the connections a
    // moment so the table shows where they stand rather than "connecting" everywhere.
    const auto deadline = std::chrono::steady_clock::now() + kSettleTime;
    while (status && any_connecting(*status) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        status = client->status();
    }
    if (!status) {
        std::fprintf(stderr, "ferry: %s\n", status.error().message.c_str());
        return 1;
    }
    const std::string text = json ? monitor::status_json_text(*status, config->source)
                                  : format_status(*status, config->source);
    std::fputs(text.c_str(), stdout);
    return 0;
}

int shutdown_command(const std::string& hosts_flag) {
    auto config = config::load(config::options_from_environment(hosts_flag));
    if (!config) {
        std::fprintf(stderr, "ferry: %s\n", config.error().message.c_str());
        return 0;
    }
    auto client = ipc::CoordinatorClient::connect(*config, hosts_flag, false);
    if (!client) return 0; // nothing running: already the state asked for
    if (auto stopped = client->shutdown(); !stopped)
        std::fprintf(stderr, "ferry: %s\n", stopped.error().message.c_str());
    return 0;
}

} // namespace ferry::monitor
