#include "doctor/check_compilers.hpp"

#include "util/fs.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <set>
#include <unistd.h>

namespace ferry::doctor {

namespace {

constexpr const char* kCompilerNames[] = {"gcc", "g++", "cc", "c++", "clang", "clang++"};

// The first executable `name` in the colon-separated `path_env`; empty if none.
std::string find_in_path(const std::string& name, const std::string& path_env) {
    size_t start = 0;
    while (start <= path_env.size()) {
        size_t colon = path_env.find(':', start);
        if (colon == std::string::npos) colon = path_env.size();
        std::string dir = path_env.substr(start, colon - start);
        start = colon + 1;
        if (dir.empty()) continue; // "." implied by an empty entry is not a compiler we want
        std::string candidate = dir + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

std::string absolute(const std::string& path) {
    if (!path.empty() && path.front() == '/') return path;
    char cwd[4096];
    if (::getcwd(cwd, sizeof cwd) == nullptr) return path;
    return std::string(cwd) + "/" + path;
}

} // namespace

std::vector<std::string> local_compiler_paths(const std::string& path_env,
                                              const std::vector<std::string>& extra) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const char* name : kCompilerNames)
        if (auto found = find_in_path(name, path_env); !found.empty() && seen.insert(found).second)
            out.push_back(found);
    for (const auto& path : extra) {
        std::string resolved =
            path.find('/') == std::string::npos ? find_in_path(path, path_env) : absolute(path);
        if (resolved.empty()) resolved = path; // reported by the probe: not found
        if (seen.insert(resolved).second) out.push_back(resolved);
    }
    return out;
}

LocalCompilers probe_local_compilers(const std::vector<std::string>& paths, bool with_toolchain) {
    LocalCompilers out;
    for (const auto& path : paths) {
        auto id = compiler::probe(path, basename(path), {}, with_toolchain);
        if (id) {
            out.identities.push_back(std::move(*id));
            continue;
        }
        out.failures.push_back(
            Finding{Section::compilers, Severity::problem, path,
                    fmt::format("cannot be probed: {}", id.error().message),
                    fmt::format("check that {} is a working gcc or clang (run `{} --version`)",
                                path, path)});
    }
    return out;
}

std::vector<Finding> compare_compiler(const compiler::Identity& local,
                                      const std::string& runner_name,
                                      const std::string& runner_host,
                                      const proto::RunnerHello& hello) {
    const std::string subject = fmt::format("{} on {}", local.name, runner_name);
    if (hello.runs_toolchains)
        return {Finding{Section::compilers, Severity::ok, subject,
                        fmt::format("ships the compiler ({}) with each job", local.version), ""}};
    for (const auto& offered : hello.compilers)
        if (offered.id == local.id && offered.driver == local.driver)
            return {Finding{Section::compilers, Severity::ok, subject,
                            fmt::format("the runner has the same compiler ({})", local.version),
                            ""}};
    for (const auto& offered : hello.compilers)
        if (offered.name == local.name)
            return {Finding{
                Section::compilers, Severity::problem, subject,
                fmt::format("mismatched: the runner's {} is \"{}\" ({}), ours is \"{}\" ({}): jobs "
                            "of {} compile locally",
                            offered.name, offered.version, offered.target, local.version,
                            local.target, local.path),
                fmt::format("install the same version ({}) on {} or run ferryd without "
                            "--installed-compilers-only",
                            local.version, runner_host)}};
    return {Finding{Section::compilers, Severity::warning, subject,
                    fmt::format("the runner does not offer {} and runs only its installed "
                                "compilers: jobs of {} compile locally",
                                local.name, local.path),
                    fmt::format("install {} ({}) on {} or run ferryd without "
                                "--installed-compilers-only",
                                local.name, local.version, runner_host)}};
}

} // namespace ferry::doctor
