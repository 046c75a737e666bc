#include "client/local_compile.hpp"

#include "jobserver/makeflags.hpp"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

namespace ferry::client {
namespace {

// make's jobserver pipe, when make handed it to us: a jobserver-aware compiler (gcc's
// -flto=jobserver link) must find it as it would without ferry in between.
std::vector<int> jobserver_fds() {
    const char* makeflags = std::getenv("MAKEFLAGS");
    if (!makeflags) return {};
    auto auth = jobserver::parse_makeflags(makeflags);
    if (!auth || auth->style != jobserver::Style::pipe) return {};
    std::vector<int> fds;
    for (int fd : {auth->read_fd, auth->write_fd})
        if (fd > 2 && ::fcntl(fd, F_GETFD) >= 0) fds.push_back(fd);
    return fds;
}

} // namespace

ProcessResult run_compiler_here(const std::string& compiler_path,
                                const std::vector<std::string>& args) {
    RunOptions options;
    options.program = compiler_path;
    // The full path as argv[0]: gcc finds its own cc1 and as relative to argv[0], and a bare
    // name would lead it back to a masquerade symlink on PATH.
    options.argv.push_back(compiler_path);
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.capture_stdout = false;
    options.capture_stderr = false;
    options.stdin_null = false;
    options.keep_fds = jobserver_fds();
    auto result = run_process(options);
    if (result) return std::move(*result);
    std::fprintf(stderr, "ferry: cannot run %s: %s\n", compiler_path.c_str(),
                 result.error().message.c_str());
    ProcessResult failed;
    failed.exit_code = result.error().code == Errc::not_found ? 127 : 126;
    return failed;
}

void lower_to_idle_priority() {
    sched_param param{};
    param.sched_priority = 0;
    if (::sched_setscheduler(0, SCHED_IDLE, &param) != 0) ::setpriority(PRIO_PROCESS, 0, 19);
}

void exit_like(int exit_code, int term_signal) {
    if (term_signal > 0) {
        // The compiler already crashed; a core of the wrapper would only mislead.
        rlimit no_core{0, 0};
        ::setrlimit(RLIMIT_CORE, &no_core);
        die_by_signal(term_signal);
    }
    std::fflush(stdout);
    std::fflush(stderr);
    std::exit(exit_code);
}

} // namespace ferry::client
