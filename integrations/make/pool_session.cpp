#include "integrations/make/pool_session.hpp"

#include "jobserver/token_pool.hpp"
#include "util/fd.hpp"
#include "util/spawn_attrs.hpp"
#include "util/subprocess.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <functional>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace ferry::integrations {
namespace {

using Clock = std::chrono::steady_clock;

// Where the child finds the pipe: the first fds after stdio, like make's own children.
constexpr int kChildRead = 3;
constexpr int kChildWrite = 4;
constexpr uint32_t kMaxPool = 4096;
constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// An optional event log for people (and tests) who want to see the pool follow the
// cluster: $FERRY_JOBSERVER_LOG names a file that gets one line per event.
class EventLog {
  public:
    EventLog() {
        if (const char* path = std::getenv("FERRY_JOBSERVER_LOG"); path && *path)
            m_fd.reset(::open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    }
    template <typename... Args> void line(fmt::format_string<Args...> f, Args&&... args) {
        if (!m_fd) return;
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
        std::string s = fmt::format("{}.{:03} ", ms / 1000, ms % 1000) +
                        fmt::format(f, std::forward<Args>(args)...) + "\n";
        [[maybe_unused]] auto n = ::write(m_fd.get(), s.data(), s.size());
    }

  private:
    Fd m_fd;
};

// Blocks the signals we handle through a signalfd and restores the old mask on exit.
class SignalGuard {
  public:
    SignalGuard() {
        sigemptyset(&m_set);
        for (int s : kForwarded)
            sigaddset(&m_set, s);
        sigaddset(&m_set, SIGCHLD);
        ::sigprocmask(SIG_BLOCK, &m_set, &m_old);
        m_fd.reset(::signalfd(-1, &m_set, SFD_NONBLOCK | SFD_CLOEXEC));
    }
    ~SignalGuard() { ::sigprocmask(SIG_SETMASK, &m_old, nullptr); }
    SignalGuard(const SignalGuard&) = delete;
    SignalGuard& operator=(const SignalGuard&) = delete;
    int fd() const { return m_fd.get(); }

  private:
    sigset_t m_set{};
    sigset_t m_old{};
    Fd m_fd;
};

// When we run in the terminal's foreground, the command's group takes the terminal for its
// run (so Ctrl-C and reads from the terminal reach it, as if the shell had started it) and
// gives it back at the end.
class TerminalHandoff {
  public:
    void give_to(pid_t pgid) {
        if (!::isatty(STDIN_FILENO) || ::tcgetpgrp(STDIN_FILENO) != ::getpgrp()) return;
        // A background group calling tcsetpgrp gets SIGTTOU; we are about to be one.
        m_old_ttou = ::signal(SIGTTOU, SIG_IGN);
        if (::tcsetpgrp(STDIN_FILENO, pgid) == 0)
            m_ours = ::getpgrp();
        else
            restore_ttou();
    }
    ~TerminalHandoff() {
        if (m_ours > 0) ::tcsetpgrp(STDIN_FILENO, m_ours);
        restore_ttou();
    }
    TerminalHandoff() = default;
    TerminalHandoff(const TerminalHandoff&) = delete;
    TerminalHandoff& operator=(const TerminalHandoff&) = delete;

  private:
    void restore_ttou() {
        if (m_old_ttou != SIG_ERR) ::signal(SIGTTOU, m_old_ttou);
        m_old_ttou = SIG_ERR;
    }
    pid_t m_ours = -1;
    sighandler_t m_old_ttou = SIG_ERR;
};

// An fd number above the ones the child gets, so the dup2s into 3 and 4 cannot clobber
// each other.
Result<Fd> above_child_fds(Fd fd) {
    int r = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 10);
    if (r < 0) return errno_error("fcntl F_DUPFD_CLOEXEC", errno);
    return Fd(r);
}

Result<pid_t> spawn_child(const SessionOptions& o, const std::vector<std::string>& env,
                          const jobserver::TokenPool& pool) {
    SpawnAttrs s(POSIX_SPAWN_SETPGROUP);
    // Its own process group, so a signal for the build reaches every process in it
    // (make does not pass SIGINT to its children; a terminal does, to a whole group).
    posix_spawnattr_setpgroup(&s.attr, 0);
    Fd r, w;
    if (!pool.is_fifo()) {
        FERRY_TRY(cr, pool.child_read_fd());
        FERRY_TRY(cw, pool.child_write_fd());
        FERRY_TRY(hr, above_child_fds(std::move(*cr)));
        FERRY_TRY(hw, above_child_fds(std::move(*cw)));
        r = std::move(*hr);
        w = std::move(*hw);
        posix_spawn_file_actions_adddup2(&s.actions, r.get(), kChildRead);
        posix_spawn_file_actions_adddup2(&s.actions, w.get(), kChildWrite);
        posix_spawn_file_actions_addclosefrom_np(&s.actions, kChildWrite + 1);
    } else {
        posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
    }
    auto argv = c_strings(o.argv);
    auto envp = c_strings(env);
    pid_t pid = -1;
    int rc =
        o.program.empty()
            ? ::posix_spawnp(&pid, o.argv[0].c_str(), &s.actions, &s.attr, argv.data(), envp.data())
            : ::posix_spawn(&pid, o.program.c_str(), &s.actions, &s.attr, argv.data(), envp.data());
    if (rc != 0) {
        Error e = errno_error("cannot run " + o.argv[0], rc);
        if (rc == ENOENT) e.code = Errc::not_found;
        return e;
    }
    return pid;
}

std::string fifo_parent_dir() {
    if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x) {
        struct stat st {};
        if (::stat(x, &st) == 0 && S_ISDIR(st.st_mode)) return x;
    }
    if (const char* t = std::getenv("TMPDIR"); t && *t) return t;
    return "/tmp";
}

uint32_t pool_size_for(const Capacity& c) {
    return std::min(std::max(c.total(), 1u), kMaxPool);
}

struct Outcome {
    int exit_code = 0;
    int term_signal = 0;
};

// How long the command's leftover processes get to finish after it exits.
constexpr std::chrono::milliseconds kGroupWait{5000};

// Whether process group `pgid` has no member left (kill(-pgid, 0) fails with ESRCH) within
// `limit`. Members that are zombies of other parents still count; they are reaped quickly.
bool wait_group_empty(pid_t pgid, std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    for (;;) {
        if (::kill(-pgid, 0) != 0 && errno == ESRCH) return true;
        if (Clock::now() >= deadline) return false;
        ::usleep(10000);
    }
}

// Raises the calling thread's nice value by `increment` (capped at 19). Needs no privilege;
// the value reached, or nullopt if it stayed.
std::optional<int> lower_thread_priority(uint32_t increment) {
    if (increment == 0) return std::nullopt;
    errno = 0;
    const int now = ::getpriority(PRIO_PROCESS, 0);
    if (now == -1 && errno != 0) return std::nullopt;
    const int target = std::min(now + int(std::min<uint32_t>(increment, 40)), 19);
    if (target == now || ::setpriority(PRIO_PROCESS, 0, target) != 0) return std::nullopt;
    return target;
}

// Starts the command `increment` nice values below us. Linux keeps the nice value per
// thread and a new process takes its spawning thread's, so a thread of its own, lowered
// first, spawns it: the command and everything under it inherit the value with no window,
// while this process keeps its own. It is the build's jobserver: it retires tokens in a race
// with the build's own reads of the pool and polls the coordinator, and lowered with the
// build it lost that race on a loaded machine (a shrink that never completed). The
// coordinator, started by the first poll, keeps its own too.
Result<pid_t> spawn_lowered(uint32_t increment, std::optional<int>& reached,
                            const std::function<Result<pid_t>()>& spawn) {
    if (increment == 0) return spawn();
    std::optional<Result<pid_t>> out;
    try {
        std::thread([&] {
            reached = lower_thread_priority(increment);
            out.emplace(spawn());
        }).join();
    } catch (const std::system_error&) {
        // No thread to be had (a process or memory limit): the build is worth more than
        // its order, so it starts at our priority.
        reached.reset();
        return spawn();
    }
    return std::move(*out);
}

Result<Outcome> run_session(const SessionOptions& o, CapacitySource& capacity, EventLog& log) {
    Capacity cap = initial_capacity(capacity);
    uint32_t size = pool_size_for(cap);

    SignalGuard signals;
    if (signals.fd() < 0) return errno_error("signalfd", errno);

    const bool fifo = o.style == jobserver::ChildStyle::fifo;
    auto pool_r = fifo ? jobserver::TokenPool::create_fifo(size, fifo_parent_dir())
                       : jobserver::TokenPool::create_pipe(size);
    if (!pool_r) return std::move(pool_r.error());
    jobserver::TokenPool& pool = *pool_r;

    std::vector<std::string> env = o.env;
    const std::string makeflags = jobserver::compose_makeflags(
        env_get(env, "MAKEFLAGS"), o.style, int(size), kChildRead, kChildWrite, pool.fifo_path());
    env_set(env, "MAKEFLAGS", makeflags);
    env_unset(env, "MFLAGS");
    env_set(env, kPoolEnv,
            fifo ? "fifo:" + pool.fifo_path() : "pipe:" + pool_identity_of_fd(pool.read_fd()));

    log.line("start size={} remote={} local={} reachable={} MAKEFLAGS='{}'", size, cap.remote,
             cap.local, cap.reachable ? 1 : 0, makeflags);
    std::optional<int> nice;
    FERRY_TRY(
        pid, spawn_lowered(capacity.build_nice(), nice, [&] { return spawn_child(o, env, pool); }));
    if (nice) log.line("nice {}", *nice);
    TerminalHandoff terminal;
    terminal.give_to(*pid);

    Outcome out;
    int forwarded_fatal = 0; // the first terminating signal passed on to the command
    bool done = false;
    auto next_poll = Clock::now() + std::chrono::milliseconds(o.poll_interval_ms);
    while (!done) {
        pollfd fds[2] = {{signals.fd(), POLLIN, 0}, {pool.read_fd(), POLLIN, 0}};
        const nfds_t n = pool.wants_tokens() ? 2 : 1;
        int timeout = -1;
        if (o.follow_capacity) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(next_poll - Clock::now());
            timeout = int(std::max<long long>(0, left.count()));
        }
        int r = ::poll(fds, n, timeout);
        if (r < 0 && errno != EINTR) return errno_error("poll", errno);

        if (r > 0 && fds[0].revents) {
            signalfd_siginfo si{};
            while (::read(signals.fd(), &si, sizeof si) == ssize_t(sizeof si)) {
                int sig = int(si.ssi_signo);
                if (sig == SIGCHLD) continue; // reaped below
                // To the command's whole group, as a terminal would: make alone would wait
                // for its running jobs (and sub-makes for theirs) instead of stopping.
                ::kill(-*pid, sig);
                if (forwarded_fatal == 0) forwarded_fatal = sig;
                log.line("signal {} forwarded", sig);
            }
        }
        int status = 0;
        pid_t w = ::waitpid(*pid, &status, WNOHANG);
        if (w == *pid) {
            done = true;
            if (WIFSIGNALED(status)) {
                out.term_signal = WTERMSIG(status);
            } else if (WEXITSTATUS(status) != 0 && forwarded_fatal != 0) {
                // Interrupted, whatever the status says: GNU make 4.3 dies by the signal
                // after Ctrl-C, except when the signal lands between its waitpid() and its
                // bookkeeping — then it exits 2 ("wait: No child processes"). A caller (a
                // shell, an outer make) must see the interruption either way.
                log.line("exit {} after signal {}: reported as the signal", WEXITSTATUS(status),
                         forwarded_fatal);
                out.term_signal = forwarded_fatal;
            } else {
                out.exit_code = WEXITSTATUS(status);
            }
            break;
        }
        if (n == 2 && r > 0 && fds[1].revents) {
            uint32_t before = pool.issued();
            if (auto rr = pool.reclaim(); !rr) return std::move(rr.error());
            if (pool.issued() != before)
                log.line("retired {} tokens, {} in circulation", before - pool.issued(),
                         pool.issued());
        }
        if (o.follow_capacity && Clock::now() >= next_poll) {
            Capacity now = capacity.poll();
            uint32_t new_size = pool_size_for(now);
            if (new_size != pool.size()) {
                log.line("resize {} -> {} remote={} local={} lent={} reachable={} ahead={}",
                         pool.size(), new_size, now.remote, now.local, now.lent(),
                         now.reachable ? 1 : 0, now.ahead());
                if (auto rr = pool.set_size(new_size); !rr) return std::move(rr.error());
            }
            next_poll = Clock::now() + std::chrono::milliseconds(o.poll_interval_ms);
        }
    }

    // The command is gone; its process group may not be. GNU make 4.4 exits at once on
    // SIGINT while its sub-makes (same group) still finish and give their tokens back, and
    // a token returned after drain() is counted as lost. Wait, boundedly, for the group to
    // empty. The coordinator a wrapper starts is in a session of its own, so it is not
    // waited for.
    if (wait_group_empty(*pid, kGroupWait))
        log.line("process group {} empty", *pid);
    else
        log.line("process group {} still alive after {} ms: counting anyway", *pid,
                 kGroupWait.count());
    auto acc = pool.drain();
    if (!acc) return std::move(acc.error());
    log.line("end expected={} returned={} exit={} signal={}", acc->expected, acc->returned,
             out.exit_code, out.term_signal);
    // A command killed by a signal takes its clients' tokens with it; that is no leak.
    if (out.term_signal != 0) return out;
    if (acc->leaked() > 0)
        std::fprintf(stderr, "%s: %lld jobserver token(s) were not returned by the build\n",
                     o.name.c_str(), static_cast<long long>(acc->leaked()));
    else if (acc->leaked() < 0)
        std::fprintf(stderr, "%s: %lld jobserver token(s) more were returned than taken\n",
                     o.name.c_str(), static_cast<long long>(-acc->leaked()));
    return out;
}

} // namespace

int run_under_pool(const SessionOptions& o, CapacitySource& capacity) {
    EventLog log;
    auto outcome = run_session(o, capacity, log);
    // Everything the session made (pool, fifo, signal mask) is gone by now.
    if (!outcome) {
        std::fprintf(stderr, "%s: %s\n", o.name.c_str(), outcome.error().message.c_str());
        int status = outcome.error().code == Errc::not_found ? 127 : 1;
        return o.on_exit ? o.on_exit(status) : status;
    }
    int sig = outcome->term_signal;
    int status = sig ? 128 + sig : outcome->exit_code;
    if (o.on_exit) status = o.on_exit(status);
    // Die the way the command died, so a shell or an outer make stops too.
    if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) die_by_signal(sig);
    return status;
}

std::string pool_identity_of_fd(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return {};
    return fmt::format("{}:{}", static_cast<unsigned long long>(st.st_dev),
                       static_cast<unsigned long long>(st.st_ino));
}

bool inside_ferry_pool() {
    const char* id = std::getenv(kPoolEnv);
    const char* mf = std::getenv("MAKEFLAGS");
    if (!id || !mf) return false;
    auto auth = jobserver::parse_makeflags(mf);
    if (!auth || auth->dry_run) return false;
    if (auth->style == jobserver::Style::fifo) {
        struct stat st {};
        return std::string(id) == "fifo:" + auth->fifo_path &&
               ::stat(auth->fifo_path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
    }
    if (auth->style == jobserver::Style::pipe) {
        std::string mine = pool_identity_of_fd(auth->read_fd);
        return !mine.empty() && std::string(id) == "pipe:" + mine;
    }
    return false;
}

std::string env_get(const std::vector<std::string>& env, std::string_view key) {
    for (const auto& e : env)
        if (e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=')
            return e.substr(key.size() + 1);
    return {};
}

bool env_has(const std::vector<std::string>& env, std::string_view key) {
    for (const auto& e : env)
        if (e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=')
            return true;
    return false;
}

void env_set(std::vector<std::string>& env, std::string_view key, std::string_view value) {
    env_unset(env, key);
    env.push_back(std::string(key) + "=" + std::string(value));
}

void env_unset(std::vector<std::string>& env, std::string_view key) {
    std::erase_if(env, [&](const std::string& e) {
        return e.size() > key.size() && e.compare(0, key.size(), key) == 0 && e[key.size()] == '=';
    });
}

} // namespace ferry::integrations
