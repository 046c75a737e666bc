// The wall around a job: the compiler runs in new user, mount, pid, ipc, network (or lent:
// net_namespace.hpp) and uts namespaces whose whole file system is the job's mirror (the client's
// files, its compiler included, at the client's paths), read-only, with /dev/null and friends, a
// private temporary directory, and the output directories writable through overlays whose upper
// layers live in the job directory (so the cache entries the mirror hard-links are never
// written). It cannot see the runner's files, other jobs or processes, or the network, and
// it runs as an unprivileged user with no capabilities (docs/sandbox.md).
//
// ferryd-exec enters the sandbox; this file is libc only, like the rest of the trampoline.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ferry::runner {

inline constexpr const char* kSandboxFlag = "--sandbox";
// Inside the job: the compiler's TMPDIR, where ferryd-exec keeps the outside reachable while
// it mounts, and the device nodes bound from the runner. No client path may use these.
inline constexpr const char* kSandboxTmp = "/.ferry-tmp";
inline constexpr const char* kSandboxOldRoot = "/.ferry-oldroot";
inline constexpr const char* kSandboxDevices[] = {"null", "zero", "full", "random", "urandom"};
// The word that tells ferryd-exec its fds 3 and 4 are a lent network namespace and the user
// namespace that owns it (net_namespace.hpp), to be joined instead of making one.
inline constexpr const char* kSandboxJoinNet = "--join-net";
inline constexpr int kJoinNetUserFd = 3;
inline constexpr int kJoinNetNetFd = 4;

struct WritableDir {
    std::string path;  // inside the job (a client path); resolved there, links and all
    std::string upper; // outside: where what the compile writes in it lands
    std::string work;  // outside: overlayfs's scratch directory, next to `upper`
};

struct SandboxSpec {
    std::string root; // outside: the job's mirror
    std::string cwd;  // inside
    std::string tmp;  // outside: bound at kSandboxTmp
    std::vector<WritableDir> writable;
    bool join_net = false; // fds kJoinNetUserFd and kJoinNetNetFd hold a lent network namespace
};

// argv words that ferryd-exec parses back with parse_sandbox (they go before
// --exec-with-limits).
std::vector<std::string> sandbox_argv(const SandboxSpec& spec);
// Parses from argv[*index], advancing it past the sandbox words. nullopt if malformed.
std::optional<SandboxSpec> parse_sandbox(int argc, char** argv, int* index);

// Paths are handed to the kernel as overlayfs options, where ',', ':', '\\' and '=' are
// separators: a directory spelled with one cannot be made writable.
bool is_mountable_path(const std::string& path);

// Enters the namespaces and the job's file system and drops into `spec.cwd`. On success the
// caller is the only process of the job's namespaces still outside its pid namespace: it
// must fork, and the child (pid 1 there) executes the compiler. Returns an error message.
std::optional<std::string> enter_sandbox(const SandboxSpec& spec);

} // namespace ferry::runner
