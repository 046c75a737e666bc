// The cluster description: which runners exist and how ferry talks to them. Read from
// hosts.toml (toml++) or, for people coming from distcc, $FERRY_HOSTS in DISTCC_HOSTS
// grammar. A mistake is an error naming the file, line and key; ferry never guesses.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::config {

inline constexpr uint16_t kDefaultPort = 3633;

struct Runner {
    std::string name; // defaults to "host:port"
    std::string host; // IPv4/IPv6 literal or a name resolved at connect time
    uint16_t port = kDefaultPort;
    uint32_t slots = 0; // 0: use what the runner reports
    // The shared key this runner must prove it holds: its own key_file, else the [client]
    // one (or $FERRY_KEY_FILE). Empty: no authentication. Absolute once loaded.
    std::string key_file{};
};

// Include analysis (coordinator/includes/, issue 11). `shadow`: the coordinator runs it next to
// every remote compile on a worker thread and counts how its answer compares with the
// client's scan; the jobs themselves are unchanged (docs/include-analysis.md). `on`: the
// analysis replaces the client's scan where it can, and the runner proves each answer.
enum class IncludeAnalysis { off, shadow, on };

// "off" / "shadow" / "on"; nullopt for anything else.
std::optional<IncludeAnalysis> include_analysis_from(std::string_view text);

inline constexpr uint32_t kMaxQueueAhead = 8;
inline constexpr uint32_t kMaxBuildNice = 19; // the highest nice value there is

struct Config {
    std::vector<Runner> runners;
    uint32_t local_slots = 0; // 0 in the file means "number of CPUs"; resolved on load
    uint32_t connect_timeout_ms = 2000;
    uint32_t job_timeout_ms = 300000; // a job not answered by then is retried elsewhere
    uint32_t backoff_ms = 10000;      // a failed runner is avoided this long, then probed
    int compression_level = 1;        // zstd level, 0 = off
    bool warn_on_fallback = true;     // one warning line when a job falls back to local
    bool backups = true;              // race a late job on an idle runner (the tail race)
    bool speculate = true;            // start a rebuilt unit remotely while it is scanned
    bool local_when_idle = true;      // runners full, this machine idle: compile a queued job here
    // Tokens a build's jobserver adds for each busy runner slot: that many compiles wait in
    // the coordinator's queue, ready the moment a slot frees, and the longest goes first
    // (integrations/make/capacity.hpp). The most: a build's long compile reached late by
    // make or ninja is then in the queue from the start (bench/farm, session 21).
    uint32_t queue_ahead = kMaxQueueAhead;
    // What `ferry make`, `ferry ninja` and `ferry run` add to the nice value of the build they
    // start (when the cluster has runners): on a client short of CPU the coordinator, which
    // feeds every runner slot, then runs before make, its generators and its wrappers
    // instead of taking turns with each (integrations/make/pool_session.hpp).
    uint32_t build_nice = 5;
    uint32_t idle_timeout_s = 300; // the coordinator exits after this long idle
    std::string key_file;          // default key for runners without their own (optional)
    // On by default: the coordinator's analysis replaces the client's `-E -H` scan where it
    // can, and each remote compile's own list of opened files proves it or the unit compiles
    // here (docs/include-analysis.md, "On"). "off" keeps the scan for every unit.
    IncludeAnalysis include_analysis = IncludeAnalysis::on;
    std::string source;      // where this came from: a path, or "$FERRY_HOSTS"
    std::string fingerprint; // hash of the source text: one coordinator per config
};

struct LoadOptions {
    std::string hosts_flag;                 // --hosts FILE, highest priority
    std::optional<std::string> ferry_hosts; // $FERRY_HOSTS (wins over files when set)
    std::optional<std::string> hosts_file;  // $FERRY_HOSTS_FILE
    std::string home;                       // $HOME, for ~/.config/ferry/hosts.toml
    std::string system_file = "/etc/ferry/hosts.toml";
    std::optional<std::string> idle_timeout; // $FERRY_IDLE_TIMEOUT: overrides idle_timeout_s
    std::optional<std::string> key_file;     // $FERRY_KEY_FILE: overrides [client].key_file
    // $FERRY_INCLUDE_ANALYSIS: overrides the top-level include_analysis.
    std::optional<std::string> include_analysis;
    // $FERRY_LOCAL_WHEN_IDLE ("0"/"1"): overrides [client].local_when_idle.
    std::optional<std::string> local_when_idle;
    // $FERRY_QUEUE_AHEAD (0..kMaxQueueAhead): overrides [client].queue_ahead. Only builds read
    // it, so it does not make another coordinator.
    std::optional<std::string> queue_ahead;
    // $FERRY_BUILD_NICE (0..kMaxBuildNice): overrides [client].build_nice; builds only.
    std::optional<std::string> build_nice;
};

// Options from this process's environment.
LoadOptions options_from_environment(std::string hosts_flag = {});

// Order: --hosts, $FERRY_HOSTS, $FERRY_HOSTS_FILE, ~/.config/ferry/hosts.toml,
// /etc/ferry/hosts.toml. With none of them, an empty cluster (everything local).
Result<Config> load(const LoadOptions& options);

Result<Config> parse_hosts_toml(std::string_view text, std::string_view source_name);
Result<Config> parse_distcc_hosts(std::string_view spec);

// A DISTCC_HOSTS spec read for `ferry hosts --from-distcc`: the cluster, and one note per
// kind of word that was accepted but changes nothing in ferry (--randomize, ,lzo, ,cpp).
// Errors start with `source`, then the offending word.
struct DistccHosts {
    Config config;
    std::vector<std::string> notes;
};
Result<DistccHosts> read_distcc_hosts(std::string_view spec, std::string_view source);

// The keys hosts.toml accepts, dotted ("client.local_slots", "runner.address"): what its
// manual page (hosts.toml(5)) must document, checked by a unit test.
std::vector<std::string> hosts_toml_keys();

// An address as a user wrote it (IPv4, IPv6 with or without brackets, or a host name) in the
// form runners are compared and connected by: IPv6 compressed and without brackets, names in
// lower case. The error message says what is wrong with it, without naming where it came from.
Result<std::string> canonical_host(std::string_view address);
// "host:port", with brackets around an IPv6 literal: a runner's default name.
std::string endpoint_string(std::string_view host, uint16_t port);

} // namespace ferry::config
