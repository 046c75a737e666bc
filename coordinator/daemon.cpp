#include "coordinator/daemon.hpp"

#include "config/hosts.hpp"
#include "coordinator/service.hpp"
#include "event/teardown.hpp"
#include "ipc/paths.hpp"
#include "remote/protocol/auth.hpp"
#include "util/fd.hpp"
#include "util/log.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace ferry::coordinator {

namespace {

// The lock that makes this process the one coordinator for its configuration. Held for the
// process's life (released by the kernel even on a crash).
enum class LockState { acquired, held_elsewhere, failed };

LockState take_lock(const std::string& path, Fd& fd) {
    fd = Fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) {
        log::error("cannot open lock {}: {}", path, std::strerror(errno));
        return LockState::failed;
    }
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return LockState::acquired;
    if (errno == EWOULDBLOCK) return LockState::held_elsewhere;
    log::error("cannot lock {}: {}", path, std::strerror(errno));
    return LockState::failed;
}

// Runs the loop until the service has closed everything, then checks nothing leaked.
int run_loop(uv_loop_t* loop, std::unique_ptr<Service> service) {
    uv_run(loop, UV_RUN_DEFAULT);
    service.reset();
    if (auto closed = event::close_loop(loop); !closed) {
        log::error("internal: {}", closed.error().message);
        return 1;
    }
    return 0;
}

} // namespace

int run_daemon(const DaemonOptions& options) {
    log::set_program("ferry-coordinator");
    // Its own name in ps, top and perf (comm is 15 bytes): the same binary as the wrapper,
    // whose many short processes would otherwise hide the daemon's share of the CPU.
    ::prctl(PR_SET_NAME, "ferry-coord", 0, 0, 0);
    auto config = config::load(config::options_from_environment(options.hosts_flag));
    if (!config) {
        log::error("{}", config.error().message);
        return 1;
    }
    // Once, before the loop: runner links answer challenges inside libuv callbacks, where a
    // failure now only fails the runners that require a key.
    if (auto sodium = proto::auth::init(); !sodium)
        log::warning("{}: runners that require a key will fail", sodium.error().message);
    auto dir = ipc::runtime_dir();
    if (!dir) {
        log::error("{}", dir.error().message);
        return 1;
    }
    if (!options.foreground) {
        std::string log_file = ipc::log_path(*dir, *config);
        if (!log::set_file(log_file))
            log::warning("cannot open log file {}: {}", log_file, std::strerror(errno));
    }
    Fd lock;
    switch (take_lock(ipc::lock_path(*dir, *config), lock)) {
    case LockState::acquired:
        break;
    case LockState::held_elsewhere:
        return 0; // another coordinator serves this configuration
    case LockState::failed:
        return 1;
    }
    std::signal(SIGPIPE, SIG_IGN);

    std::string socket =
        options.socket_path.empty() ? ipc::socket_path(*dir, *config) : options.socket_path;
    uv_loop_t loop{};
    if (int rc = uv_loop_init(&loop); rc < 0) {
        log::error("uv_loop_init: {}", uv_strerror(rc));
        return 1;
    }
    auto service = Service::start(&loop, std::move(*config), socket);
    if (!service) {
        log::error("cannot start: {}", service.error().message);
        run_loop(&loop, nullptr);
        return 1;
    }
    int status = run_loop(&loop, std::move(*service));
    log::info("coordinator exited");
    return status;
}

} // namespace ferry::coordinator
