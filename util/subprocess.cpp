#include "util/subprocess.hpp"

#include "util/fd.hpp"
#include "util/spawn_attrs.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ferry {
namespace {

Result<pid_t> do_spawn(SpawnAttrs& s, const std::string& program, bool search,
                       const std::vector<std::string>& argv, const std::vector<std::string>* env) {
    auto args = c_strings(argv);
    std::vector<char*> envp;
    if (env) envp = c_strings(*env);
    pid_t pid = -1;
    int rc = search ? ::posix_spawnp(&pid, program.c_str(), &s.actions, &s.attr, args.data(),
                                     env ? envp.data() : environ)
                    : ::posix_spawn(&pid, program.c_str(), &s.actions, &s.attr, args.data(),
                                    env ? envp.data() : environ);
    if (rc != 0) return errno_error("start " + program, rc);
    return pid;
}

// Closes every fd >= 3 in the child but `keep`. A close action on an fd that is not open is
// ignored by glibc, so the range below the highest kept fd need not be inspected.
void close_inherited_fds(posix_spawn_file_actions_t& actions, const std::vector<int>& keep) {
    int highest = 2;
    for (int fd : keep)
        highest = std::max(highest, fd);
    for (int fd = 3; fd < highest; ++fd)
        if (std::find(keep.begin(), keep.end(), fd) == keep.end())
            posix_spawn_file_actions_addclose(&actions, fd);
    posix_spawn_file_actions_addclosefrom_np(&actions, highest + 1);
}

} // namespace

Result<ProcessResult> run_process(const RunOptions& o) {
    if (o.argv.empty()) return make_error(Errc::invalid, "run_process: empty argv");
    // Default signal dispositions and an empty mask: a compiler run by ferryd must not
    // inherit its ignored SIGPIPE, nor one run by ferry make its blocked SIGINT.
    SpawnAttrs s;
    Pipe out, err;
    if (o.capture_stdout) {
        FERRY_TRY(p, make_pipe());
        out = std::move(*p);
        posix_spawn_file_actions_adddup2(&s.actions, out.write.get(), STDOUT_FILENO);
    }
    if (o.capture_stderr) {
        FERRY_TRY(p, make_pipe());
        err = std::move(*p);
        posix_spawn_file_actions_adddup2(&s.actions, err.write.get(), STDERR_FILENO);
    }
    if (o.stdin_null)
        posix_spawn_file_actions_addopen(&s.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!o.cwd.empty()) posix_spawn_file_actions_addchdir_np(&s.actions, o.cwd.c_str());
    std::vector<Fd> copies;
    if (!o.pass_fds.empty()) {
        if (!o.keep_fds.empty())
            return make_error(Errc::invalid, "run_process: keep_fds and pass_fds together");
        FERRY_TRY_VOID(pass_fds(s, o.pass_fds, copies));
    } else {
        close_inherited_fds(s.actions, o.keep_fds);
    }

    const bool search = o.program.empty();
    FERRY_TRY(pid, do_spawn(s, search ? o.argv[0] : o.program, search, o.argv,
                            o.env ? &*o.env : nullptr));
    out.write.reset();
    err.write.reset();

    ProcessResult result;
    bool overflow = false;
    std::vector<pollfd> fds;
    while (out.read || err.read) {
        fds.clear();
        if (out.read) fds.push_back({out.read.get(), POLLIN, 0});
        if (err.read) fds.push_back({err.read.get(), POLLIN, 0});
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (auto& p : fds) {
            if (!p.revents) continue;
            char buf[65536];
            ssize_t n = ::read(p.fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            Fd& which = p.fd == out.read.get() ? out.read : err.read;
            std::string& sink = p.fd == out.read.get() ? result.out : result.err;
            if (n <= 0) {
                which.reset();
                continue;
            }
            sink.append(buf, static_cast<size_t>(n));
            if (sink.size() > o.max_capture && !overflow) {
                overflow = true;
                ::kill(*pid, SIGKILL);
            }
        }
    }
    int status = 0;
    while (::waitpid(*pid, &status, 0) < 0) {
        if (errno != EINTR) return errno_error("waitpid", errno);
    }
    if (overflow)
        return make_error(Errc::invalid, "{}: output over the limit of {} bytes", o.argv[0],
                          o.max_capture);
    if (WIFSIGNALED(status))
        result.term_signal = WTERMSIG(status);
    else
        result.exit_code = WEXITSTATUS(status);
    return result;
}

Result<pid_t> spawn_detached(const std::vector<std::string>& argv, const std::string& program,
                             const std::string& log_file) {
    SpawnAttrs s(POSIX_SPAWN_SETSID);
    posix_spawn_file_actions_addopen(&s.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&s.actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if (log_file.empty())
        posix_spawn_file_actions_addopen(&s.actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    else
        posix_spawn_file_actions_addopen(&s.actions, STDERR_FILENO, log_file.c_str(),
                                         O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
    return do_spawn(s, program, false, argv, nullptr);
}

void die_by_signal(int sig) {
    std::fflush(stdout);
    std::fflush(stderr);
    ::signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
    ::raise(sig);
    std::_Exit(128 + sig);
}

void exec_or_die(const std::string& program, const std::vector<std::string>& argv) {
    auto args = c_strings(argv);
    ::execv(program.c_str(), args.data());
    int err = errno;
    std::string msg = "ferry: cannot run " + program + ": " + std::strerror(err) + "\n";
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg.data(), msg.size());
    ::_exit(err == ENOENT ? 127 : 126);
}

std::vector<std::string> current_environment() {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e)
        env.emplace_back(*e);
    return env;
}

} // namespace ferry
