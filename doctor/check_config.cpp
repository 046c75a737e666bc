#include "doctor/check_config.hpp"

#include "remote/protocol/auth.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <regex>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::doctor {

namespace {

Finding config_finding(Severity severity, std::string subject, std::string what,
                       std::string fix = {}) {
    return Finding{Section::configuration, severity, std::move(subject), std::move(what),
                   std::move(fix)};
}

// config's errors start "FILE:LINE:" (or "FILE:LINE:COLUMN:"): the fix points there.
std::string fix_for_load_error(const std::string& message) {
    static const std::regex located(R"(^(.+?):([0-9]+):)");
    std::smatch m;
    if (std::regex_search(message, m, located))
        return fmt::format("edit {} line {}", m[1].str(), m[2].str());
    return "correct the setting named above (docs/configuration.md)";
}

} // namespace

std::vector<Finding> check_key_file(const std::string& path) {
    const std::string subject = "key file " + path;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        int err = errno;
        return {config_finding(
            Severity::problem, subject, fmt::format("cannot be read: {}", std::strerror(err)),
            err == ENOENT ? fmt::format("copy the key file the runners use to {} (or "
                                        "create one with `ferry keygen {}` and give it "
                                        "to every ferryd --key-file)",
                                        path, path)
                          : fmt::format("make {} readable by you (chmod 600, owned by "
                                        "you)",
                                        path))};
    }
    if (!S_ISREG(st.st_mode))
        return {config_finding(Severity::problem, subject, "is not a regular file",
                               fmt::format("point key_file at the key file itself, not {}", path))};
    if ((st.st_mode & 077) != 0)
        return {config_finding(Severity::problem, subject,
                               fmt::format("is accessible by group or others (mode {:04o}); ferry "
                                           "refuses such a key",
                                           st.st_mode & 07777),
                               fmt::format("chmod 600 {}", path))};
    if (::access(path.c_str(), R_OK) != 0)
        return {config_finding(Severity::problem, subject,
                               fmt::format("cannot be read: {}", std::strerror(errno)),
                               fmt::format("make {} readable by you (chown it, chmod 600)", path))};
    if (auto key = proto::auth::load_key_file(path); !key)
        return {config_finding(Severity::problem, subject, key.error().message,
                               fmt::format("replace {} with the key file the runners use (64 hex "
                                           "digits)",
                                           path))};
    return {config_finding(Severity::ok, subject, "readable, mode 0600, holds a key")};
}

std::vector<Finding> check_config(const Result<config::Config>& loaded) {
    if (!loaded)
        return {config_finding(Severity::problem, "hosts", loaded.error().message,
                               fix_for_load_error(loaded.error().message))};
    const config::Config& config = *loaded;
    const std::string source = config.source.empty() ? "(no hosts file)" : config.source;
    std::vector<Finding> out;
    if (config.runners.empty()) {
        out.push_back(config_finding(
            Severity::warning, source, "no runners configured",
            "every job compiles locally; add [[runner]] entries (address, port, key_file) to "
            "~/.config/ferry/hosts.toml or set $FERRY_HOSTS (docs/configuration.md)"));
        return out;
    }
    out.push_back(
        config_finding(Severity::ok, source, fmt::format("{} runner(s)", config.runners.size())));

    std::set<std::string> key_files;
    for (const auto& r : config.runners)
        if (!r.key_file.empty()) key_files.insert(r.key_file);
    for (const auto& path : key_files)
        for (auto& f : check_key_file(path))
            out.push_back(std::move(f));
    return out;
}

} // namespace ferry::doctor
