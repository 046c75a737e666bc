#include "doctor/doctor.hpp"

#include "config/hosts.hpp"
#include "doctor/check_compilers.hpp"
#include "doctor/check_config.hpp"
#include "doctor/check_coordinator.hpp"
#include "doctor/check_runners.hpp"
#include "doctor/render.hpp"
#include "remote/protocol/auth.hpp"

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <unistd.h>

namespace ferry::doctor {

namespace {

void append(std::vector<Finding>& to, std::vector<Finding> from) {
    for (auto& f : from)
        to.push_back(std::move(f));
}

std::vector<Finding> check_compilers(const Options& options,
                                     const std::vector<RunnerProbe>& probes) {
    std::vector<Finding> out;
    const char* path = std::getenv("PATH");
    auto paths = local_compiler_paths(path ? path : "", options.compilers);
    if (paths.empty()) {
        out.push_back(Finding{Section::compilers, Severity::warning, "PATH",
                              "no gcc, g++, cc, c++, clang or clang++ found",
                              "install a compiler, or name one with --compiler PATH"});
        return out;
    }
    // Identities are compared only with runners that run their installed compilers; for
    // the others (the default) the quick probe says enough.
    bool compare_ids = false;
    for (const auto& p : probes)
        if (runner_usable(p) && !p.handshake.hello.runs_toolchains) compare_ids = true;
    LocalCompilers local = probe_local_compilers(paths, compare_ids);
    append(out, std::move(local.failures));
    size_t compared = 0;
    for (const auto& id : local.identities)
        for (const auto& p : probes) {
            if (!runner_usable(p)) continue;
            append(out, compare_compiler(id, p.runner.name, p.runner.host, p.handshake.hello));
            ++compared;
        }
    // Without a runner to compare with, say at least what was found.
    if (compared == 0)
        for (const auto& id : local.identities)
            out.push_back(Finding{Section::compilers, Severity::ok, id.path,
                                  fmt::format("{} (no runner to compare with)", id.version), ""});
    return out;
}

} // namespace

std::vector<Finding> run_checks(const Options& options) {
    std::vector<Finding> findings;
    auto loaded = config::load(config::options_from_environment(options.hosts_flag));
    append(findings, check_config(loaded));
    std::vector<RunnerProbe> probes;
    if (loaded) {
        probes = probe_runners(loaded->runners, options.timeout_ms);
        for (const auto& p : probes)
            findings.push_back(runner_finding(p));
    }
    append(findings, check_compilers(options, probes));
    if (loaded) append(findings, check_coordinator(*loaded, options.timeout_ms));
    return findings;
}

int doctor_command(const Options& options) {
    // Once, at start; if it fails, each runner check that needs a key reports it.
    if (auto sodium = proto::auth::init(); !sodium)
        std::fprintf(stderr, "ferry doctor: %s\n", sodium.error().message.c_str());
    auto findings = run_checks(options);
    std::string text =
        options.json ? render_json(findings) : render_text(findings, ::isatty(STDOUT_FILENO) == 1);
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
    return exit_status(findings);
}

} // namespace ferry::doctor
