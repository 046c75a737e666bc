#include "remote/runner/exec_limits.hpp"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace ferry::runner {

std::vector<std::string> trampoline_argv(const ResourceLimits& limits, const std::string& program,
                                         const std::vector<std::string>& argv) {
    std::vector<std::string> out = {"ferryd",
                                    kExecWithLimits,
                                    std::to_string(limits.cpu_seconds),
                                    std::to_string(limits.address_space),
                                    std::to_string(limits.file_size),
                                    program,
                                    "--"};
    out.insert(out.end(), argv.begin(), argv.end());
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
    if (argc < 8 || std::strcmp(argv[1], kExecWithLimits) != 0 || std::strcmp(argv[6], "--") != 0)
        return std::nullopt;
    auto cpu = to_u64(argv[2]), as = to_u64(argv[3]), fsize = to_u64(argv[4]);
    if (!cpu || !as || !fsize || argv[5][0] != '/') return std::nullopt;
    TrampolineCall call{{*cpu, *as, *fsize}, argv[5], {}};
    for (int i = 7; i < argc; ++i)
        call.argv.emplace_back(argv[i]);
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
