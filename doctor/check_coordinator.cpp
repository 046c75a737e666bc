#include "doctor/check_coordinator.hpp"

#include "ipc/coordinator_client.hpp"

#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/time.h>

namespace ferry::doctor {

namespace {

Finding coordinator_finding(Severity severity, std::string subject, std::string what,
                            std::string fix = {}) {
    return Finding{Section::coordinator, severity, std::move(subject), std::move(what),
                   std::move(fix)};
}

} // namespace

std::vector<Finding> coordinator_findings(const std::optional<proto::IpcStatus>& status) {
    if (!status)
        return {coordinator_finding(Severity::info, "coordinator",
                                    "not running (it starts with the first compile)")};
    std::vector<Finding> out;
    out.push_back(coordinator_finding(
        Severity::ok, "coordinator",
        fmt::format("running (pid {}): {} remote slot(s) up, {} local slot(s), {} job(s) "
                    "compiled remotely",
                    status->pid, status->remote_capacity, status->local_slots,
                    status->jobs_remote)));
    for (const auto& r : status->runners) {
        if (r.state == "backoff" || r.state == "down")
            out.push_back(coordinator_finding(
                Severity::problem, r.name,
                fmt::format("{} in the coordinator ({} failure(s)): {}{}", r.state, r.failures,
                            r.last_error.empty() ? "no error recorded" : r.last_error,
                            r.state == "backoff"
                                ? fmt::format("; next try in {:.1f} s", r.backoff_ms / 1000.0)
                                : ""),
                fmt::format("see the runner findings above for {} ({}); once it is fixed the "
                            "coordinator uses it again after its backoff",
                            r.name, r.address)));
        else if (r.failures > 0)
            out.push_back(coordinator_finding(
                Severity::info, r.name,
                fmt::format("{} now, {} failure(s) so far (last: {})", r.state, r.failures,
                            r.last_error.empty() ? "none recorded" : r.last_error)));
    }
    for (const auto& reason : status->local_reasons)
        out.push_back(coordinator_finding(
            Severity::info, "local compiles",
            fmt::format("{} compile(s) ran locally because {}", reason.count, reason.reason)));
    if (status->links_local > 0)
        out.push_back(coordinator_finding(
            Severity::info, "links",
            fmt::format("{} link step(s) ran locally (links always do)", status->links_local)));
    return out;
}

std::vector<Finding> check_coordinator(const config::Config& config, int timeout_ms) {
    auto client = ipc::CoordinatorClient::connect(config, {}, /*start_if_needed=*/false);
    if (!client) return coordinator_findings(std::nullopt);
    // The client blocks on its socket; these bound each read and write (a stopped
    // coordinator must not hang the doctor).
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(client->fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(client->fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    auto status = client->status();
    if (!status)
        return {coordinator_finding(
            Severity::warning, "coordinator",
            fmt::format("running but its status could not be read: {}", status.error().message),
            "stop it with `ferry shutdown`; the next compile starts a fresh one")};
    return coordinator_findings(*status);
}

} // namespace ferry::doctor
