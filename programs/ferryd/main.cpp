// ferryd: the runner service. Wires the pieces together in the order that makes every
// start-up error visible on the terminal: options, sockets, (with --daemon) detaching with a
// pipe back to the terminal, the pid file, privileges, compilers, directories, event loop.
#include "event/teardown.hpp"
#include "remote/protocol/auth.hpp"
#include "remote/runner/exec_limits.hpp"
#include "remote/runner/listen_socket.hpp"
#include "remote/runner/net_namespace_maker.hpp"
#include "remote/runner/options.hpp"
#include "remote/runner/process_setup.hpp"
#include "remote/runner/sandbox_setup.hpp"
#include "remote/runner/server.hpp"
#include "remote/runner/state_dir.hpp"
#include "util/cidr.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/temp_dir.hpp"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <signal.h>
#include <unistd.h>

namespace {

using namespace ferry;
using namespace ferry::runner;

bool g_log_to_file = false;
std::optional<DaemonNotifier> g_daemon; // set once detached

// Start-up errors go to the log and to the terminal: directly, or through the process that
// waits for the daemon.
int fail(int code, const std::string& message) {
    log::error("{}", message);
    if (g_daemon)
        g_daemon->failed(message);
    else if (g_log_to_file)
        std::fprintf(stderr, "ferryd: %s\n", message.c_str());
    return code;
}

std::string default_name(const Options& options) {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "localhost");
    const auto& first = options.listen.front().text;
    return fmt::format("{}:{}", host, first.substr(first.rfind(':') + 1));
}

int run(int argc, char** argv) {
    auto parsed = parse_options(argc, argv);
    if (!parsed.options) return parsed.exit_code;
    const Options& options = *parsed.options;

    log::set_program("ferryd");
    if (options.verbose) log::set_level(log::Level::debug);
    if (!options.log_file.empty()) {
        if (!log::set_file(options.log_file)) {
            std::fprintf(stderr, "ferryd: cannot open log file %s: %s\n", options.log_file.c_str(),
                         std::strerror(errno));
            return 2;
        }
        g_log_to_file = true;
    }
    if (!options.config_file.empty()) log::info("settings from {}", options.config_file);
    // Before binding and before giving up root: the key may be readable by root only.
    std::optional<proto::auth::Key> key;
    if (!options.key_file.empty()) {
        // Once, here: a failure later, inside a connection's callback, refuses only that client.
        if (auto sodium = proto::auth::init(); !sodium) return fail(2, sodium.error().message);
        auto loaded = proto::auth::load_key_file(options.key_file);
        if (!loaded) return fail(2, loaded.error().message);
        key.emplace(std::move(*loaded));
    }
    std::vector<Fd> sockets;
    std::vector<std::string> names;
    for (const auto& address : options.listen) {
        auto fd = bind_listener(address);
        if (!fd) return fail(1, fd.error().message);
        sockets.push_back(std::move(*fd));
        names.push_back(address.text);
    }
    std::optional<Fd> metrics_socket;
    if (options.metrics) {
        // A small backlog: scrapers are few, and --metrics is no place for a queue of them.
        auto fd = bind_listener(*options.metrics, 16);
        if (!fd) return fail(1, fd.error().message);
        metrics_socket.emplace(std::move(*fd));
    }
    // Detach first, so the pid is final and the pid file is written while we may still
    // write where root keeps them; the terminal still hears of every error that follows.
    if (options.daemon) {
        auto detached = daemonize();
        if (!detached) return fail(1, detached.error().message);
        g_daemon.emplace(std::move(*detached));
    }
    std::optional<PidFile> pid_file;
    if (!options.pid_file.empty()) {
        auto created = PidFile::create(options.pid_file);
        if (!created) return fail(1, created.error().message);
        pid_file.emplace(std::move(*created));
    }

    const bool was_root = ::geteuid() == 0;
    if (auto dropped = drop_privileges(options.user); !dropped)
        return fail(dropped.error().code == Errc::refused ? 2 : 1, dropped.error().message);
    if (was_root)
        log::info("running as user {}{}", options.user.empty() ? kFallbackUser : options.user,
                  options.user.empty() ? " (started as root without --user)" : "");

    const char* path = std::getenv("PATH");
    std::string path_env = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
    // Its own compilers as files only when it runs them: describing a toolchain costs a
    // dozen processes and hashing hundreds of MiB, at every start.
    const bool runs_own = options.unsandboxed || options.installed_compilers_only;
    auto allowlist = CompilerAllowlist::resolve(options.compilers, path_env, runs_own);
    if (!allowlist) return fail(1, allowlist.error().message);
    // A sandboxed runner runs the compiler each job ships and needs none of its own; one that
    // runs only installed compilers (or runs them unsandboxed) would have nothing to offer.
    if (allowlist->empty() && (options.unsandboxed || options.installed_compilers_only))
        return fail(1, "no compilers found on PATH (see --compiler)");
    if (allowlist->empty())
        log::info("no compilers found on PATH: jobs run the compiler their client ships");
    for (const auto& c : allowlist->compilers())
        log::info("compiler {}: {} ({}, {}, id {})", c.name, c.path, c.version, c.target, c.id);
    for (const auto& name : names)
        log::info("listening on {}", name);
    if (options.metrics) log::info("metrics on http://{}/metrics", options.metrics->text);

    bool private_cache = options.cache_dir.empty();
    const std::string state_parent = default_state_parent(std::getenv("TMPDIR"), private_cache);
    for (const auto& stale : sweep_stale_state_dirs(state_parent))
        log::info("removed {}, left by a ferryd that was killed", stale);
    auto state = create_state_dir(state_parent);
    if (!state) return fail(1, state.error().message);
    std::string jobs_dir = state->path() + "/jobs";
    if (auto made = make_dirs(jobs_dir, 0700); !made) return fail(1, made.error().message);
    auto cache = FileCache::open(private_cache ? state->path() + "/cache" : options.cache_dir,
                                 options.cache_size_bytes);
    if (!cache) return fail(1, cache.error().message);

    ServerConfig config;
    config.options = options;
    config.allowlist = std::move(*allowlist);
    config.name = options.name.empty() ? default_name(options) : options.name;
    config.jobs_dir = jobs_dir;
    config.manifest = manifest_limits(options);
    config.job.limits = options.limits;
    config.job.timeout_seconds = options.job_timeout_seconds;
    config.job.path_env = path_env;
    char self[PATH_MAX];
    if (::realpath("/proc/self/exe", self) != nullptr)
        config.job.exec_helper = exec_helper_path(self);
    log::info("compilers start through {}", config.job.exec_helper);
    config.key = std::move(key);
    if (options.unsandboxed) {
        config.sandbox = SandboxMode::unsandboxed;
        log::warning("--unsandboxed: compilers run on this machine's files, without a sandbox");
    } else if (auto usable = check_sandbox(config.job.exec_helper, state->path()); !usable) {
        config.sandbox = SandboxMode::unavailable;
        config.sandbox_problem = usable.error().message;
        log::error("cannot sandbox jobs ({}): refusing remote jobs; start ferryd with "
                   "--unsandboxed to run compilers without a sandbox (docs/sandbox.md)",
                   config.sandbox_problem);
    } else {
        log::info("jobs run sandboxed{}", options.installed_compilers_only
                                              ? ", with the compilers installed here only"
                                              : ", with the compiler each client ships");
        config.nets = lend_network_namespaces(config.job.exec_helper, state->path(), options.jobs);
        if (options.installed_compilers_only) seed_cache(*cache, config.allowlist);
    }
    log::info("runner '{}': {} slots, cache {} ({} MiB){}", config.name, options.jobs, cache->dir(),
              options.cache_size_bytes >> 20, private_cache ? ", private" : "");
    if (config.key) {
        log::info("authentication: clients must prove they hold the key in {}", options.key_file);
    } else {
        bool exposed = false;
        for (const auto& l : options.listen)
            exposed = exposed || !is_loopback(l.sockaddr_ptr());
        if (exposed)
            log::warning("no --key-file: any host in --allow may run compilers here (see "
                         "docs/security.md)");
    }

    uv_loop_t loop;
    if (int rc = uv_loop_init(&loop); rc != 0)
        return fail(1, fmt::format("event loop: {}", uv_strerror(rc)));
    int exit_code = 0;
    {
        Server server(&loop, std::move(config), *cache);
        auto started = server.start(std::move(sockets), names);
        if (started && metrics_socket)
            started = server.serve_metrics(std::move(*metrics_socket), options.metrics->text);
        if (!started) {
            exit_code = fail(1, started.error().message);
        } else {
            if (g_daemon) g_daemon->ready();
            uv_run(&loop, UV_RUN_DEFAULT);
        }
    }
    // The close callbacks of what the server still held; anything left open is a bug.
    if (auto closed = event::close_loop(&loop); !closed) {
        log::error("internal: {}", closed.error().message);
        exit_code = exit_code ? exit_code : 1;
    }
    if (private_cache) cache->clear();
    return exit_code;
}

} // namespace

int main(int argc, char** argv) {
    // The compiler trampoline: must run before anything else, it is not a ferryd.
    if (argc == 2 && std::strcmp(argv[1], kMakeNetFlag) == 0) make_and_send_net_namespace(3);
    if (argc > 1 &&
        (std::strcmp(argv[1], kExecWithLimits) == 0 || std::strcmp(argv[1], kSandboxFlag) == 0))
        exec_with_limits(argc, argv);
    ::signal(SIGPIPE, SIG_IGN);
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        ferry::log::error("fatal: {}", e.what());
        return 1;
    }
}
