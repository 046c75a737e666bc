#include "integrations/make/child_run.hpp"

#include "util/spawn_attrs.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>

namespace ferry::integrations {
namespace {

// The one child a handler forwards to: a signal handler can reach nothing else.
std::atomic<pid_t> g_child{0};

void forward(int sig) {
    if (pid_t p = g_child.load(); p > 0) ::kill(p, sig);
}

// Installs `handler` for `sig` and restores the old action when it goes.
class ScopedSignal {
  public:
    ScopedSignal(int sig, void (*handler)(int)) : m_sig(sig) {
        struct sigaction sa {};
        sa.sa_handler = handler;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        ::sigaction(sig, &sa, &m_old);
    }
    ~ScopedSignal() { ::sigaction(m_sig, &m_old, nullptr); }
    ScopedSignal(const ScopedSignal&) = delete;
    ScopedSignal& operator=(const ScopedSignal&) = delete;

  private:
    int m_sig;
    struct sigaction m_old {};
};

} // namespace

ChildExit run_child(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                    const char* name) {
    SpawnAttrs s; // the child starts with default dispositions, not our SIG_IGN
    auto cargv = c_strings(argv);
    auto cenv = c_strings(env);
    ScopedSignal i(SIGINT, SIG_IGN), q(SIGQUIT, SIG_IGN), t(SIGTERM, forward), h(SIGHUP, forward);
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, argv[0].c_str(), &s.actions, &s.attr, cargv.data(), cenv.data());
    if (rc != 0) {
        std::fprintf(stderr, "%s: cannot run %s: %s\n", name, argv[0].c_str(), std::strerror(rc));
        return {127, 0};
    }
    g_child.store(pid);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    g_child.store(0);
    if (WIFSIGNALED(status)) return {0, WTERMSIG(status)};
    return {WEXITSTATUS(status), 0};
}

} // namespace ferry::integrations
