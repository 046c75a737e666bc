#include "event/child_process.hpp"

#include "util/spawn_attrs.hpp"

#include <cerrno>
#include <fcntl.h>
#include <mutex>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ferry::event {
namespace {

// Children killed by an owner that went away before they were gone: reaped by a later
// spawn (or at the daemon's exit by init), never left to pile up as zombies.
std::mutex g_orphans_mutex;
std::vector<pid_t> g_orphans;

enum class Reaped { yes, not_yet, gone };

Reaped reap_now(pid_t pid, siginfo_t& info) {
    info = {};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG) != 0)
        return errno == ECHILD ? Reaped::gone : Reaped::not_yet;
    return info.si_pid == pid ? Reaped::yes : Reaped::not_yet;
}

void reap_orphans() {
    std::lock_guard lock(g_orphans_mutex);
    std::erase_if(g_orphans, [](pid_t pid) {
        siginfo_t info;
        return reap_now(pid, info) != Reaped::not_yet;
    });
}

} // namespace

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        release();
        m_state = std::move(other.m_state);
    }
    return *this;
}

ChildProcess::~ChildProcess() {
    release();
}

void ChildProcess::release() {
    if (!m_state) return;
    if (!m_state->reaped) {
        ::kill(m_state->own_group ? -m_state->pid : m_state->pid, SIGKILL);
        siginfo_t info;
        if (reap_now(m_state->pid, info) == Reaped::not_yet) {
            std::lock_guard lock(g_orphans_mutex);
            g_orphans.push_back(m_state->pid);
        }
    }
    m_state.reset(); // the poll handle closes before its pidfd (member order)
}

Result<ChildProcess> ChildProcess::spawn(uv_loop_t* loop, const ChildSpec& spec, Exited exited) {
    if (spec.argv.empty()) return make_error(Errc::invalid, "spawn {}: no arguments", spec.program);
    reap_orphans();

    SpawnAttrs s(spec.new_session ? POSIX_SPAWN_SETSID : 0);
    posix_spawn_file_actions_addopen(&s.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    for (auto [fd, target] :
         {std::pair{spec.stdout_fd, STDOUT_FILENO}, std::pair{spec.stderr_fd, STDERR_FILENO}}) {
        if (fd >= 0)
            posix_spawn_file_actions_adddup2(&s.actions, fd, target);
        else
            posix_spawn_file_actions_addopen(&s.actions, target, "/dev/null", O_WRONLY, 0);
    }
    // The daemon's sockets, its cache's files, a jobserver pipe: nothing of it reaches a
    // compiler, whether or not it was opened close-on-exec.
    std::vector<Fd> copies;
    FERRY_TRY_VOID(pass_fds(s, spec.pass_fds, copies));
    if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&s.actions, spec.cwd.c_str());

    auto argv = c_strings(spec.argv);
    auto envp = c_strings(spec.env);
    pid_t pid = -1;
    if (int rc = ::posix_spawn(&pid, spec.program.c_str(), &s.actions, &s.attr, argv.data(),
                               envp.data());
        rc != 0)
        return errno_error("start " + spec.program, rc);

    ChildProcess child;
    child.m_state = std::make_unique<State>();
    State& st = *child.m_state;
    st.pid = pid;
    st.own_group = spec.new_session;
    st.exited = std::move(exited);
    // From here on a failure kills the child: release() (the destructor) does it.
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) return errno_error("pidfd_open", errno);
    st.pidfd = Fd(pidfd);
    FERRY_TRY(poll, Handle<uv_poll_t>::create("uv_poll_init", &st, [&](uv_poll_t* p) {
                  return uv_poll_init(loop, p, st.pidfd.get());
              }));
    st.poll = std::move(*poll);
    if (int rc = uv_poll_start(st.poll.get(), UV_READABLE, &ChildProcess::on_readable); rc < 0)
        return uv_error("uv_poll_start", rc);
    return child;
}

void ChildProcess::on_readable(uv_poll_t* poll, int, int) {
    auto* st = owner_of<State>(poll);
    if (!st || st->reaped) return;
    siginfo_t info;
    // A pidfd is readable only once the child has exited; gone (ECHILD) cannot happen to a
    // child only we wait for, and would be a zero status here: say so as a signal instead.
    switch (reap_now(st->pid, info)) {
    case Reaped::not_yet:
        return;
    case Reaped::gone:
        info.si_code = CLD_KILLED;
        info.si_status = SIGKILL;
        break;
    case Reaped::yes:
        break;
    }
    st->reaped = true;
    uv_poll_stop(poll);
    int64_t status = info.si_code == CLD_EXITED ? info.si_status : 0;
    int term_signal = info.si_code == CLD_EXITED ? 0 : info.si_status;
    Exited exited = std::move(st->exited);
    if (exited) exited(status, term_signal); // may destroy *st: nothing after this line
}

} // namespace ferry::event
