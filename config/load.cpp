// Finding the configuration: the first source that is set wins, and the result carries a
// fingerprint of where it came from and what it said, so two builds with different clusters
// (or the same file edited) get different coordinators instead of sharing a stale one.
#include "config/hosts.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::config {

namespace {

constexpr size_t kMaxFileSize = size_t(1) << 20; // a hosts file is a few hundred bytes
constexpr uint32_t kMaxIdleS = 604'800;          // as client.idle_timeout_s
constexpr uint32_t kMaxCpus = 1024;              // as client.local_slots
constexpr std::string_view kNoSource = "(none)";

std::string fingerprint(std::string_view kind, std::string_view path, std::string_view text) {
    std::string input;
    input.append(kind).push_back('\0');
    input.append(path).push_back('\0');
    input.append(text);
    return hash_hex(input);
}

std::string resolved_path(const std::string& path) {
    // Symlinks resolved, so one file reached two ways is one configuration (one coordinator).
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf)) return buf;
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd)) return absolute_path(cwd, path);
    return normalize_path(path);
}

bool missing(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
}

// `origin` says who named the file ("--hosts", "FERRY_HOSTS_FILE", ...) for error messages.
Result<Config> from_file(const std::string& path, std::string_view origin) {
    auto text = read_file(path, kMaxFileSize);
    if (!text) return make_error(text.error().code, "{}: {}", origin, text.error().message);
    FERRY_TRY(config, parse_hosts_toml(*text, path));
    std::string absolute = resolved_path(path);
    // A relative key file is relative to the hosts file, not to wherever make happens to run.
    auto resolve = [&](std::string& key_file) {
        if (!key_file.empty() && key_file.front() != '/')
            key_file = normalize_path(join_path(dirname(absolute), key_file));
    };
    resolve(config->key_file);
    for (auto& runner : config->runners)
        resolve(runner.key_file);
    config->source = absolute;
    config->fingerprint = fingerprint("file", absolute, *text);
    return config;
}

Result<Config> from_sources(const LoadOptions& options) {
    if (!options.hosts_flag.empty()) return from_file(options.hosts_flag, "--hosts");
    if (options.ferry_hosts) {
        // Set but empty is a deliberate "no runners", as an empty DISTCC_HOSTS is for distcc.
        FERRY_TRY(config, parse_distcc_hosts(*options.ferry_hosts));
        config->fingerprint = fingerprint("env", "", *options.ferry_hosts);
        return config;
    }
    if (options.hosts_file) {
        if (options.hosts_file->empty())
            return make_error(Errc::invalid,
                              "FERRY_HOSTS_FILE is set but empty: name a file or unset it");
        return from_file(*options.hosts_file, "FERRY_HOSTS_FILE");
    }
    if (!options.home.empty()) {
        std::string user_file = join_path(options.home, ".config/ferry/hosts.toml");
        if (!missing(user_file)) return from_file(user_file, user_file);
    }
    if (!options.system_file.empty() && !missing(options.system_file))
        return from_file(options.system_file, options.system_file);
    Config config;
    config.source = std::string(kNoSource);
    config.fingerprint = fingerprint("none", "", "");
    return config;
}

// A whole number from an environment variable, within [min, max]; the error names the
// variable and says what was expected ("a number of seconds").
Result<uint32_t> env_number(std::string_view variable, std::string_view text, uint32_t min,
                            uint32_t max, std::string_view what) {
    uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
        return make_error(Errc::invalid, "{}: expected {} from {} to {}, got {:?}", variable, what,
                          min, max, text);
    return value;
}

// $FERRY_KEY_FILE replaces [client].key_file, for every runner without a key_file of its own.
// Absolute only: the coordinator loads the configuration again from another directory.
Result<void> apply_key_file(std::string_view path, Config& config) {
    if (path.empty())
        return make_error(Errc::invalid,
                          "FERRY_KEY_FILE is set but empty: name a key file or unset it");
    if (path.front() != '/' || path.find('\0') != std::string_view::npos)
        return make_error(Errc::invalid, "FERRY_KEY_FILE: expected an absolute path, got {:?}",
                          path);
    std::string key_file = normalize_path(path);
    for (auto& runner : config.runners)
        if (runner.key_file == config.key_file) runner.key_file = key_file;
    config.key_file = key_file;
    // Another key is another cluster: its own coordinator.
    config.fingerprint = hash_hex(config.fingerprint + std::string(1, '\0') + "key" +
                                  std::string(1, '\0') + key_file);
    return ok();
}

// $FERRY_INCLUDE_ANALYSIS replaces the file's include_analysis. Another mode is another
// coordinator: one already running in the other mode would silently ignore the variable.
Result<void> apply_include_analysis(std::string_view text, Config& config) {
    auto mode = include_analysis_from(text);
    if (!mode)
        return make_error(
            Errc::invalid,
            "FERRY_INCLUDE_ANALYSIS: expected \"off\", \"shadow\" or \"on\", got {:?}", text);
    if (*mode == config.include_analysis) return ok();
    config.include_analysis = *mode;
    config.fingerprint = hash_hex(config.fingerprint + std::string(1, '\0') + "include_analysis" +
                                  std::string(1, '\0') + std::string(text));
    return ok();
}

// $FERRY_LOCAL_WHEN_IDLE replaces [client].local_when_idle; like the include analysis mode,
// another setting is another coordinator.
Result<void> apply_local_when_idle(std::string_view text, Config& config) {
    if (text != "0" && text != "1")
        return make_error(Errc::invalid, "FERRY_LOCAL_WHEN_IDLE: expected 0 or 1, got {:?}", text);
    const bool on = text == "1";
    if (on == config.local_when_idle) return ok();
    config.local_when_idle = on;
    config.fingerprint = hash_hex(config.fingerprint + std::string(1, '\0') + "local_when_idle" +
                                  std::string(1, '\0') + std::string(text));
    return ok();
}

uint32_t cpu_count() {
    long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) return 1;
    return static_cast<uint32_t>(std::min<long>(n, kMaxCpus));
}

std::optional<std::string> env(const char* name) {
    const char* value = std::getenv(name);
    if (!value) return std::nullopt;
    return std::string(value);
}

} // namespace

LoadOptions options_from_environment(std::string hosts_flag) {
    LoadOptions options;
    options.hosts_flag = std::move(hosts_flag);
    options.ferry_hosts = env("FERRY_HOSTS");
    options.hosts_file = env("FERRY_HOSTS_FILE");
    options.home = env("HOME").value_or("");
    options.idle_timeout = env("FERRY_IDLE_TIMEOUT");
    options.key_file = env("FERRY_KEY_FILE");
    options.include_analysis = env("FERRY_INCLUDE_ANALYSIS");
    options.local_when_idle = env("FERRY_LOCAL_WHEN_IDLE");
    options.queue_ahead = env("FERRY_QUEUE_AHEAD");
    options.build_nice = env("FERRY_BUILD_NICE");
    return options;
}

Result<Config> load(const LoadOptions& options) {
    FERRY_TRY(config, from_sources(options));
    if (options.idle_timeout) {
        FERRY_TRY(seconds, env_number("FERRY_IDLE_TIMEOUT", *options.idle_timeout, 1, kMaxIdleS,
                                      "a number of seconds"));
        config->idle_timeout_s = *seconds;
    }
    if (options.key_file) FERRY_TRY_VOID(apply_key_file(*options.key_file, *config));
    if (options.include_analysis)
        FERRY_TRY_VOID(apply_include_analysis(*options.include_analysis, *config));
    if (options.local_when_idle)
        FERRY_TRY_VOID(apply_local_when_idle(*options.local_when_idle, *config));
    if (options.queue_ahead) {
        FERRY_TRY(ahead, env_number("FERRY_QUEUE_AHEAD", *options.queue_ahead, 0, kMaxQueueAhead,
                                    "a number"));
        config->queue_ahead = *ahead;
    }
    if (options.build_nice) {
        FERRY_TRY(nice, env_number("FERRY_BUILD_NICE", *options.build_nice, 0, kMaxBuildNice,
                                   "a nice increment"));
        config->build_nice = *nice;
    }
    if (config->local_slots == 0) config->local_slots = cpu_count();
    return config;
}

} // namespace ferry::config
