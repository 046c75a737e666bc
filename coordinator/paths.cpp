// The coordinator's rendezvous. Whoever controls this directory can impersonate the
// coordinator to the wrapper (and receive every source file it ships), so it must be ours and
// private; anything else is refused with the reason rather than "fixed" behind the user's back.
#include "coordinator/paths.hpp"

#include <cerrno>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::coordinator {

namespace {

constexpr size_t kFingerprintDigits = 16;

std::string base_dir() {
    // XDG_RUNTIME_DIR is per user, private and cleaned at logout: the right home for a socket.
    if (const char* xdg = std::getenv("XDG_RUNTIME_DIR"); xdg && *xdg == '/') {
        struct stat st {};
        if (::stat(xdg, &st) == 0 && S_ISDIR(st.st_mode)) return std::string(xdg) + "/ferry";
    }
    return fmt::format("/tmp/ferry-{}", ::getuid());
}

std::string file_in(const std::string& dir, const config::Config& config, std::string_view ext) {
    return fmt::format("{}/coordinator-{}-ipc{}{}", dir,
                       config.fingerprint.substr(0, kFingerprintDigits), kIpcRevision, ext);
}

} // namespace

Result<std::string> runtime_dir() {
    std::string dir = base_dir();
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return errno_error("create " + dir, errno);
    // lstat, not stat: in /tmp another user can plant a symlink to a directory of theirs.
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) return errno_error("lstat " + dir, errno);
    if (S_ISLNK(st.st_mode))
        return make_error(Errc::invalid, "{} is a symbolic link; refusing to use it", dir);
    if (!S_ISDIR(st.st_mode))
        return make_error(Errc::invalid, "{} is not a directory; refusing to use it", dir);
    if (st.st_uid != ::getuid())
        return make_error(Errc::invalid,
                          "{} is owned by uid {}, not by us (uid {}); refusing "
                          "to use it",
                          dir, st.st_uid, ::getuid());
    if ((st.st_mode & 077) != 0)
        return make_error(Errc::invalid,
                          "{} has mode {:04o}, open to other users; it must be 0700 "
                          "(chmod 700 {})",
                          dir, st.st_mode & 07777, dir);
    return dir;
}

std::string socket_path(const std::string& dir, const config::Config& config) {
    return file_in(dir, config, ".sock");
}

std::string lock_path(const std::string& dir, const config::Config& config) {
    return file_in(dir, config, ".lock");
}

std::string log_path(const std::string& dir, const config::Config& config) {
    return file_in(dir, config, ".log");
}

} // namespace ferry::coordinator
