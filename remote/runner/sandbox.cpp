#include "remote/runner/sandbox.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace ferry::runner {

std::vector<std::string> sandbox_argv(const SandboxSpec& spec) {
    std::vector<std::string> out = {kSandboxFlag, spec.root, spec.cwd, spec.tmp,
                                    std::to_string(spec.writable.size())};
    for (const auto& dir : spec.writable) {
        out.push_back(dir.path);
        out.push_back(dir.upper);
        out.push_back(dir.work);
    }
    if (spec.join_net) out.push_back(kSandboxJoinNet);
    return out;
}

std::optional<SandboxSpec> parse_sandbox(int argc, char** argv, int* index) {
    int i = *index;
    auto next = [&](std::string& into) {
        if (i >= argc) return false;
        into = argv[i++];
        return !into.empty() && into[0] == '/';
    };
    if (i >= argc || std::strcmp(argv[i], kSandboxFlag) != 0) return std::nullopt;
    ++i;
    SandboxSpec spec;
    if (!next(spec.root) || !next(spec.cwd) || !next(spec.tmp) || i >= argc) return std::nullopt;
    unsigned count = 0;
    const char* text = argv[i++];
    auto [end, ec] = std::from_chars(text, text + std::strlen(text), count);
    if (ec != std::errc() || *end != '\0' || count > 64) return std::nullopt;
    for (unsigned n = 0; n < count; ++n) {
        WritableDir dir;
        if (!next(dir.path) || !next(dir.upper) || !next(dir.work)) return std::nullopt;
        spec.writable.push_back(std::move(dir));
    }
    if (i < argc && std::strcmp(argv[i], kSandboxJoinNet) == 0) {
        spec.join_net = true;
        ++i;
    }
    *index = i;
    return spec;
}

bool is_mountable_path(const std::string& path) {
    return path.find_first_of(",:\\=") == std::string::npos;
}

namespace {

std::string failure(const char* what, const std::string& where) {
    return std::string(what) + (where.empty() ? "" : " " + where) + ": " + std::strerror(errno);
}

bool write_text(const char* path, const std::string& text) {
    int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return ok;
}

// A bind mount made read-only inside a user namespace must keep the flags the kernel locked
// on the original (nosuid, nodev, noexec, atime): asking to drop one is EPERM.
unsigned long locked_flags(const std::string& path) {
    struct statvfs st {};
    if (::statvfs(path.c_str(), &st) != 0) return 0;
    unsigned long flags = 0;
    if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
}

} // namespace

std::optional<std::string> enter_sandbox(const SandboxSpec& spec) {
    if (spec.join_net) {
        // The lender's user namespace first: made by this user, it gives us the right to join
        // the network namespace it owns. The job's own user namespace is made inside it
        // below, so the job has no capability over that network namespace.
        if (::setns(kJoinNetUserFd, CLONE_NEWUSER) != 0) return failure("setns", "(user)");
        if (::setns(kJoinNetNetFd, CLONE_NEWNET) != 0) return failure("setns", "(network)");
        ::close(kJoinNetUserFd);
        ::close(kJoinNetNetFd);
    }
    // As the user namespace we are in sees us (the lender's maps each id to itself).
    const uid_t uid = ::geteuid();
    const gid_t gid = ::getegid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS |
                  (spec.join_net ? 0 : CLONE_NEWNET)) != 0)
        return failure("unshare", "");
    // Inside, the compiler is the runner's own (never root) user: after exec it keeps no
    // capability, so it can neither remount the read-only root nor undo anything below.
    const uid_t inside_uid = uid == 0 ? 65534 : uid;
    const gid_t inside_gid = gid == 0 ? 65534 : gid;
    if (!write_text("/proc/self/setgroups", "deny"))
        return failure("write", "/proc/self/setgroups");
    if (!write_text("/proc/self/uid_map",
                    std::to_string(inside_uid) + " " + std::to_string(uid) + " 1\n"))
        return failure("write", "/proc/self/uid_map");
    if (!write_text("/proc/self/gid_map",
                    std::to_string(inside_gid) + " " + std::to_string(gid) + " 1\n"))
        return failure("write", "/proc/self/gid_map");

    // No namespace inside the job's: a compiler (or whatever a client ships as one) gets no
    // new user namespace, and with it no capability to reach more of the kernel.
    if (!write_text("/proc/sys/user/max_user_namespaces", "0"))
        return failure("write", "/proc/sys/user/max_user_namespaces");

    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return failure("make mounts private", "");
    const std::string& root = spec.root;
    if (::mount(root.c_str(), root.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
        return failure("bind", root);
    if (::mount(nullptr, root.c_str(), nullptr,
                MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | locked_flags(root),
                nullptr) != 0)
        return failure("remount read-only", root);

    // The outside stays reachable under kSandboxOldRoot until the overlays are mounted:
    // their upper layers are outside, but their mount points are resolved inside, through
    // the client's own links.
    const std::string old_root = root + kSandboxOldRoot;
    if (::syscall(SYS_pivot_root, root.c_str(), old_root.c_str()) != 0)
        return failure("pivot_root", root);
    if (::chdir("/") != 0) return failure("chdir", "/");
    const std::string outside = kSandboxOldRoot;
    // volatile: without it, unmounting an overlay syncs the whole file system its upper layer
    // is on, and every job waited for the runner's dirty pages (5-80 ms, bench/sandbox_cost).
    // The upper layer dies with the job directory: there is nothing to keep crash-safe.
    for (const auto& dir : spec.writable) {
        std::string options = "lowerdir=" + dir.path + ",upperdir=" + outside + dir.upper +
                              ",workdir=" + outside + dir.work + ",userxattr,volatile";
        if (::mount("overlay", dir.path.c_str(), "overlay", MS_NOSUID | MS_NODEV,
                    options.c_str()) != 0)
            return failure("overlay", dir.path);
    }
    for (const char* device : kSandboxDevices) {
        std::string from = outside + "/dev/" + device, to = std::string("/dev/") + device;
        if (::mount(from.c_str(), to.c_str(), nullptr, MS_BIND, nullptr) != 0)
            return failure("bind", to);
    }
    std::string tmp_from = outside + spec.tmp;
    if (::mount(tmp_from.c_str(), kSandboxTmp, nullptr, MS_BIND | MS_NOSUID | MS_NODEV, nullptr) !=
        0)
        return failure("bind", kSandboxTmp);
    if (::umount2(kSandboxOldRoot, MNT_DETACH) != 0) return failure("detach", kSandboxOldRoot);
    if (::chdir(spec.cwd.c_str()) != 0) return failure("chdir", spec.cwd);
    return std::nullopt;
}

} // namespace ferry::runner
