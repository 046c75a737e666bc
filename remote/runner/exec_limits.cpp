#include "remote/runner/exec_limits.hpp"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ferry::runner {

std::vector<std::string> trampoline_argv(const ResourceLimits& limits, const std::string& program,
                                         const std::vector<std::string>& argv,
                                         const std::optional<SandboxSpec>& sandbox) {
    std::vector<std::string> out = {"ferryd"};
    if (sandbox) {
        auto words = sandbox_argv(*sandbox);
        out.insert(out.end(), words.begin(), words.end());
    }
    for (std::string word : {std::string(kExecWithLimits), std::to_string(limits.cpu_seconds),
                             std::to_string(limits.address_space), std::to_string(limits.file_size),
                             program, std::string("--")})
        out.push_back(std::move(word));
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
}

std::vector<std::string> sandbox_check_argv(const SandboxSpec& sandbox) {
    std::vector<std::string> out = {"ferryd"};
    auto words = sandbox_argv(sandbox);
    out.insert(out.end(), words.begin(), words.end());
    out.push_back(kSandboxCheck);
    return out;
}

static std::optional<uint64_t> to_u64(const char* s) {
    uint64_t v = 0;
    const char* end = s + std::strlen(s);
    auto [p, ec] = std::from_chars(s, end, v);
    if (ec != std::errc() || p != end || p == s) return std::nullopt;
    return v;
}

std::optional<TrampolineCall> parse_trampoline(int argc, char** argv) {
    TrampolineCall call;
    int i = 1;
    if (i < argc && std::strcmp(argv[i], kSandboxFlag) == 0) {
        call.sandbox = parse_sandbox(argc, argv, &i);
        if (!call.sandbox) return std::nullopt;
        if (i + 1 == argc && std::strcmp(argv[i], kSandboxCheck) == 0) {
            call.check_only = true;
            return call;
        }
    }
    if (argc - i < 7 || std::strcmp(argv[i], kExecWithLimits) != 0 ||
        std::strcmp(argv[i + 5], "--") != 0)
        return std::nullopt;
    auto cpu = to_u64(argv[i + 1]), as = to_u64(argv[i + 2]), fsize = to_u64(argv[i + 3]);
    if (!cpu || !as || !fsize || argv[i + 4][0] != '/') return std::nullopt;
    call.limits = {*cpu, *as, *fsize};
    call.program = argv[i + 4];
    for (int j = i + 6; j < argc; ++j)
        call.argv.emplace_back(argv[j]);
    return call;
}

// Never above the hard limit we inherited: an unprivileged process cannot raise it.
static bool set_limit(int resource, uint64_t soft, uint64_t hard) {
    if (soft == 0) return true;
    rlimit current{};
    if (::getrlimit(resource, &current) != 0) return false;
    auto clamp = [&](uint64_t v) {
        rlim_t r = static_cast<rlim_t>(v);
        return current.rlim_max != RLIM_INFINITY && current.rlim_max < r ? current.rlim_max : r;
    };
    rlimit lim{clamp(soft), clamp(hard)};
    return ::setrlimit(resource, &lim) == 0;
}

// Ends this process the way the child ended, so ferryd sees the compiler's own status (a
// SIGXCPU or SIGXFSZ from the limits is how it tells a runner limit from a compile error).
[[noreturn]] static void relay_status(int status) {
    if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
    rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
    ::raise(sig);
    ::_exit(128 + sig);
}

void exec_with_limits(int argc, char** argv) {
    auto call = parse_trampoline(argc, argv);
    if (!call) {
        std::fputs("ferryd: malformed --exec-with-limits call\n", stderr);
        ::_exit(127);
    }
    // Everything that allocates comes before the limits: under RLIMIT_AS an allocator that
    // reserves address space up front (AddressSanitizer's, in a sanitizer build) fails.
    std::vector<char*> args;
    for (auto& a : call->argv)
        args.push_back(a.data());
    args.push_back(nullptr);
    // A compiler must not outlive a ferryd that was killed: nobody would read its result,
    // and it would go on writing into a job directory nobody removes. (The signal survives
    // the exec below: compilers are not set-uid.)
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) ::_exit(127);
    if (call->sandbox) {
        if (auto failed = enter_sandbox(*call->sandbox)) {
            std::fprintf(stderr, "ferryd: sandbox: %s\n", failed->c_str());
            ::_exit(127);
        }
        // The first child is pid 1 of the job's pid namespace: it runs the compiler, and
        // when it exits the kernel kills whatever the compile left behind.
        pid_t child = ::fork();
        if (child < 0) {
            std::perror("ferryd: fork");
            ::_exit(127);
        }
        if (child > 0) {
            int status = 0;
            while (::waitpid(child, &status, 0) < 0)
                if (errno != EINTR) ::_exit(127);
            relay_status(status);
        }
        if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) ::_exit(127);
        if (call->check_only) ::_exit(0);
    }
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(127);
    // The soft CPU limit sends SIGXCPU; the hard limit one second later is SIGKILL for a
    // compiler that ignores it.
    const auto& lim = call->limits;
    if (!set_limit(RLIMIT_CPU, lim.cpu_seconds, lim.cpu_seconds + 1) ||
        !set_limit(RLIMIT_AS, lim.address_space, lim.address_space) ||
        !set_limit(RLIMIT_FSIZE, lim.file_size, lim.file_size)) {
        std::perror("ferryd: setrlimit");
        ::_exit(127);
    }
    ::execv(call->program.c_str(), args.data());
    std::fprintf(stderr, "ferryd: cannot run %s: %s\n", call->program.c_str(),
                 std::strerror(errno));
    ::_exit(127);
}

std::string exec_helper_path(const std::string& self) {
    const auto slash = self.rfind('/');
    if (slash != std::string::npos) {
        std::string helper = self.substr(0, slash + 1) + "ferryd-exec";
        if (::access(helper.c_str(), X_OK) == 0) return helper;
    }
    return "/proc/self/exe";
}

} // namespace ferry::runner
