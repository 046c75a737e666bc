#include "doctor/check_runners.hpp"

#include <fmt/format.h>
#include <future>

namespace ferry::doctor {

namespace {

using Outcome = probe::Handshake::Outcome;

RunnerProbe probe_one(const config::Runner& runner, int timeout_ms) {
    RunnerProbe p;
    p.runner = runner;
    p.timeout_ms = timeout_ms;
    probe::HandshakeOptions options;
    options.client_name = "ferry-doctor";
    options.timeout_ms = timeout_ms;
    if (!runner.key_file.empty()) {
        auto key = proto::auth::load_key_file(runner.key_file);
        if (!key) {
            p.key_error = key.error().message;
            return p;
        }
        options.key = std::move(*key);
    }
    auto session = probe::RunnerSession::connect(runner.host, runner.port, timeout_ms);
    if (!session) {
        p.connect_error = session.error();
        return p;
    }
    p.connected = true;
    p.handshake = probe::handshake(*session, options);
    return p;
}

std::string host_of(const config::Runner& r) {
    return r.host;
}
std::string endpoint_of(const config::Runner& r) {
    return config::endpoint_string(r.host, r.port);
}

Finding problem(const RunnerProbe& p, std::string what, std::string fix) {
    return Finding{Section::runners, Severity::problem, p.runner.name, std::move(what),
                   std::move(fix)};
}

// The runner refused us with an ErrorMsg: its code says which fix applies.
Finding runner_error_finding(const RunnerProbe& p, const std::string& host) {
    const auto& h = p.handshake;
    const std::string key_hint =
        p.runner.key_file.empty() ? "the key file ferryd uses (its --key-file)" : p.runner.key_file;
    switch (h.runner_error.code) {
    case proto::ErrorCode::not_allowed:
        return problem(p, fmt::format("not allowed: {}", h.message),
                       fmt::format("add this machine's address to ferryd --allow on {}", host));
    case proto::ErrorCode::auth:
        return problem(p, fmt::format("unauthorised: the runner refused our key: {}", h.message),
                       fmt::format("copy the same key file to both sides: {} here and "
                                   "ferryd --key-file on {}",
                                   key_hint, host));
    case proto::ErrorCode::version:
        return problem(p, fmt::format("protocol version mismatch: {}", h.message),
                       fmt::format("install the same ferry version here and on {}", host));
    case proto::ErrorCode::overloaded:
        return Finding{
            Section::runners, Severity::warning, p.runner.name, fmt::format("busy: {}", h.message),
            fmt::format("try again later, or raise ferryd --max-connections on {}", host)};
    default:
        return problem(p, fmt::format("refused us: {}", h.message),
                       fmt::format("see the log of ferryd on {}", host));
    }
}

} // namespace

std::vector<RunnerProbe> probe_runners(const std::vector<config::Runner>& runners, int timeout_ms) {
    std::vector<std::future<RunnerProbe>> pending;
    pending.reserve(runners.size());
    for (const auto& r : runners)
        pending.push_back(std::async(std::launch::async, probe_one, r, timeout_ms));
    std::vector<RunnerProbe> out;
    out.reserve(runners.size());
    for (auto& f : pending)
        out.push_back(f.get());
    return out;
}

bool runner_usable(const RunnerProbe& p) {
    return p.connected && p.handshake.outcome == Outcome::ok;
}

Finding runner_finding(const RunnerProbe& p) {
    const std::string host = host_of(p.runner);
    const std::string endpoint = endpoint_of(p.runner);
    if (!p.key_error.empty())
        return problem(
            p, fmt::format("not checked: our key file is unusable: {}", p.key_error),
            fmt::format("fix the key file {} (see the configuration findings)", p.runner.key_file));
    if (!p.connected) {
        const bool timed_out = p.connect_error.code == Errc::timeout;
        return problem(
            p,
            timed_out ? fmt::format("unreachable: no answer to a connection to {} within {} ms",
                                    endpoint, p.timeout_ms)
                      : fmt::format("unreachable: {}", p.connect_error.message),
            fmt::format("start ferryd on {} (ferryd --listen {} --allow CLIENT/32) or check "
                        "the firewall and the address in hosts.toml",
                        host, endpoint));
    }
    const auto& h = p.handshake;
    const std::string key_hint =
        p.runner.key_file.empty() ? "the key file ferryd uses (its --key-file)" : p.runner.key_file;
    switch (h.outcome) {
    case Outcome::ok:
        break;
    case Outcome::runner_error:
        return runner_error_finding(p, host);
    case Outcome::no_key:
        return problem(p,
                       fmt::format("unauthorised: the runner wants a key and hosts.toml gives "
                                   "none for it ({})",
                                   h.message),
                       fmt::format("copy the key file of ferryd on {} here and set key_file for "
                                   "it in hosts.toml",
                                   host));
    case Outcome::runner_has_no_key:
        return problem(
            p, fmt::format("unauthorised: we hold a key but the runner has none ({})", h.message),
            fmt::format("copy {} to {} and start ferryd there with --key-file, or "
                        "remove key_file for it",
                        key_hint, host));
    case Outcome::bad_proof:
        return problem(p, fmt::format("unauthorised: the runner holds another key ({})", h.message),
                       fmt::format("copy the same key file to both sides: {} here and ferryd "
                                   "--key-file on {}",
                                   key_hint, host));
    case Outcome::version:
        return problem(p, fmt::format("protocol version mismatch: {}", h.message),
                       fmt::format("install the same ferry version here and on {}", host));
    case Outcome::timeout:
        return problem(p,
                       fmt::format("no answer: {} accepts connections but {}", endpoint, h.message),
                       fmt::format("check that ferryd (not another program) listens on {}, and "
                                   "that it is not stopped or overloaded",
                                   endpoint));
    case Outcome::closed:
    case Outcome::garbage:
    case Outcome::io:
        return problem(p, fmt::format("not a ferry runner, or a broken one: {}", h.message),
                       fmt::format("check that ferryd (not another program) listens on {} and "
                                   "see its log",
                                   endpoint));
    }
    if (h.hello.compilers.empty() && !h.hello.runs_toolchains)
        return problem(p,
                       "sandbox missing: the runner offers no compiler and runs none a client "
                       "ships",
                       fmt::format("ferryd on {} could not build its job sandbox; see its log / "
                                   "docs/sandbox.md",
                                   host));
    return Finding{Section::runners, Severity::ok, p.runner.name,
                   fmt::format("{} serves {} slot(s){}{}", endpoint, h.hello.slots,
                               h.hello.runs_toolchains ? ", runs the compilers clients ship" : "",
                               h.authenticated ? ", authenticated" : ""),
                   ""};
}

} // namespace ferry::doctor
