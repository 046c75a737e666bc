// ferryd's command line: what the runner listens on, who may connect, how many jobs it runs
// and the limits it puts on them. Parsing is separate from acting on it so every option
// error is reported the same way (a message and exit status 2) before anything starts.
#pragma once

#include "util/cidr.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <vector>

namespace ferry::runner {

inline constexpr uint16_t kDefaultPort = 3633;
// Read when it exists and --config names no other file (config_file.hpp).
inline constexpr const char* kDefaultConfigFile = "/etc/ferry/ferryd.toml";

struct ListenAddress {
    std::string text; // as given, normalised: "127.0.0.2:3633", "[::1]:3633"
    sockaddr_storage address{};
    socklen_t length = 0;
    const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&address); }
};

// "127.0.0.2:3633", "[::1]:3633", or an address alone (port 3633). Numeric addresses only:
// a runner should not depend on name resolution to decide where it listens.
Result<ListenAddress> parse_listen_address(std::string_view text);
// --metrics: "PORT" (on 127.0.0.1: loopback unless told otherwise), "127.0.0.2:9100" or
// "[::1]:9100". Unlike --listen the port is never implied.
Result<ListenAddress> parse_metrics_address(std::string_view text);

struct ResourceLimits {
    uint64_t cpu_seconds = 0;                   // RLIMIT_CPU; 0: unlimited
    uint64_t address_space = uint64_t(4) << 30; // RLIMIT_AS in bytes; 0: unlimited
    uint64_t file_size = uint64_t(1) << 30;     // RLIMIT_FSIZE in bytes; 0: unlimited
};

struct Options {
    std::vector<ListenAddress> listen;
    std::vector<Cidr> allow;
    bool allow_given = false;
    // --metrics: where Prometheus text is served (metrics_http.hpp); none by default.
    std::optional<ListenAddress> metrics;
    unsigned jobs = 1;
    bool daemon = false;
    std::string log_file;
    std::string pid_file;
    std::string user;
    std::string name;                   // empty: hostname:port
    std::vector<std::string> compilers; // empty: the default allowlist
    std::string key_file;               // shared secret clients must prove; empty: none
    unsigned job_timeout_seconds = 300;
    unsigned max_queue = 0; // jobs waiting for files or a slot, runner-wide
    unsigned max_connections = 256;
    // Limits that hold before a client is trusted, and on what a trusted one may ask for.
    uint64_t max_request_bytes = uint64_t(16) << 20; // a job_request, decompressed
    unsigned max_mirror_dirs = 10000;                // directories one job's mirror may need
    unsigned max_path_depth = 128;                   // components in one manifest path
    unsigned files_timeout_seconds = 60;             // a job waiting for its files longer is failed
    std::string cache_dir;                           // empty: private, removed at exit
    uint64_t cache_size_bytes = uint64_t(1) << 30;
    ResourceLimits limits;
    // Run compilers without the namespace sandbox (docs/sandbox.md): the runner's own
    // installed compilers with re-rooted paths. Only where namespaces are not available.
    bool unsandboxed = false;
    // Sandboxed, but run only compilers installed here (matched by identity), never the
    // compiler a client ships.
    bool installed_compilers_only = false;
    // Take a shipped toolchain's files from this machine's identical ones (installed_reuse).
    bool reuse_installed = true;
    // Make a finished job's mirror into the next one's of the same client (mirror_reuse).
    bool reuse_mirrors = true;
    bool verbose = false;
    std::string config_file; // the ferryd.toml these came from (config_file.hpp); empty: none
};

// Either options to run with, or an exit status (0 after --help, 2 after an error) with
// the text already printed.
struct ParsedOptions {
    std::optional<Options> options;
    int exit_code = 0;
};

// The command line over the config file (`--config FILE`, else `default_config` when it
// exists) over the built-in defaults: an option given on the command line wins, and a list
// given there (--listen, --allow, --compiler) replaces the file's.
ParsedOptions parse_options(int argc, char** argv,
                            const std::string& default_config = kDefaultConfigFile);

// Checks that need the whole set (e.g. a non-loopback --listen or --metrics without --allow).
Result<void> validate_options(const Options& options);

} // namespace ferry::runner
