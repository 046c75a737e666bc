// A child process the event loop watches, started without fork. libuv 1.44 (Debian 12) starts
// children with fork(): the kernel copies the daemon's page tables for each child and tears
// them down again at its exec, and the daemon then takes copy-on-write faults on its own
// memory. On a runner that is a quarter of ferryd's own CPU per job (perf over 284 OpenSSL
// jobs: clone, the forked copy's exec and the faults after it). posix_spawn shares the
// parent's memory until the exec (glibc: CLONE_VM | CLONE_VFORK), and a pidfd polled by the
// loop says when the child has exited; the child is reaped here, never by libuv's SIGCHLD
// handler (which waits only for its own uv_spawn children).
#pragma once

#include "event/handle.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <sys/types.h>
#include <uv.h>
#include <vector>

namespace ferry::event {

struct ChildSpec {
    std::string program; // a path: no PATH search
    std::vector<std::string> argv;
    std::vector<std::string> env;
    std::string cwd;          // empty: the daemon's
    bool new_session = false; // setsid(): its own process group, killable as one
    // The child's stdout and stderr (stdin is /dev/null); invalid: /dev/null. Every other fd
    // of the daemon but pass_fds is closed in the child.
    int stdout_fd = -1;
    int stderr_fd = -1;
    // Fds the child gets as 3, 4, … in this order (util/spawn_attrs.hpp, pass_fds).
    std::vector<int> pass_fds;
};

class ChildProcess {
  public:
    // Called once, from a libuv callback, with the exit status and the terminating signal
    // (0 when it exited). The owner may destroy the ChildProcess from inside it.
    using Exited = std::function<void(int64_t status, int term_signal)>;

    ChildProcess() = default;
    ChildProcess(ChildProcess&&) noexcept = default;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    // A child still running is killed (SIGKILL, its group too when it has its own session)
    // and reaped as soon as it is gone, so no zombie outlives its owner.
    ~ChildProcess();

    static Result<ChildProcess> spawn(uv_loop_t* loop, const ChildSpec& spec, Exited exited);

    pid_t pid() const { return m_state ? m_state->pid : -1; }
    bool running() const { return m_state && !m_state->reaped; }

  private:
    struct State {
        pid_t pid = -1;
        bool own_group = false;
        bool reaped = false;
        Fd pidfd;
        Handle<uv_poll_t> poll;
        Exited exited;
    };
    static void on_readable(uv_poll_t* poll, int status, int events);
    void release();
    // Heap-held: the poll handle's data points at it, so the owner can move.
    std::unique_ptr<State> m_state;
};

} // namespace ferry::event
