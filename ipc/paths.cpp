// The coordinator's rendezvous. Whoever controls this directory can impersonate the
// coordinator to the wrapper (and receive every source file it ships), so it must be ours and
// private; anything else is refused with the reason rather than "fixed" behind the user's back.
//
// Where, in order:
// 1. $XDG_RUNTIME_DIR/ferry: per user, private, cleaned at logout, made for sockets. When the
//    session names one, it is the answer (a bad ferry/ in it is refused, not worked around).
// 2. $HOME/.cache/ferry/run-HOST: no other user can create anything in a home that is ours and
//    not group/world-writable, so nobody can squat it. HOST because homes are often shared
//    over NFS and a socket only reaches processes of the machine that bound it.
// 3. $TMPDIR/ferry-$UID (/tmp without TMPDIR), for users without a usable home (daemons,
//    HOME=/nonexistent). Another local user can pre-create that name; it is then refused and
//    compiles run locally, as before. Candidates 1 and 2 are tried first for that reason.
// Socket paths deeper than sun_path allows are fine: util/unix_socket reaches them through a
// directory descriptor.
#include "ipc/paths.hpp"

#include "util/fs.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::ipc {

namespace {

constexpr size_t kFingerprintDigits = 16;

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// $HOME, or the password database's home when HOME is unset; empty unless it is an absolute
// directory of ours that no one else can write to.
std::string own_home() {
    std::string home = env("HOME");
    if (home.empty()) {
        if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) home = pw->pw_dir;
    }
    struct stat st {};
    if (home.empty() || home[0] != '/' || ::stat(home.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
        st.st_uid != ::getuid() || (st.st_mode & 022) != 0)
        return {};
    return home;
}

std::string host_name() {
    char buf[HOST_NAME_MAX + 1] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
    std::string name(buf);
    std::replace(name.begin(), name.end(), '/', '_');
    return name;
}

// Creates `dir` (0700) if needed and checks it is ours and private.
Result<std::string> checked_dir(const std::string& dir) {
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

Result<std::string> home_dir(const std::string& home) {
    const std::string parent = home + "/.cache/ferry";
    FERRY_TRY_VOID(make_dirs(parent, 0700));
    return checked_dir(parent + "/run-" + host_name());
}

std::string tmp_dir() {
    std::string tmp = env("TMPDIR");
    if (tmp.empty() || tmp[0] != '/') tmp = "/tmp";
    return fmt::format("{}/ferry-{}", tmp, ::getuid());
}

std::string file_in(const std::string& dir, const config::Config& config, std::string_view ext) {
    return fmt::format("{}/coordinator-{}-ipc{}{}", dir,
                       config.fingerprint.substr(0, kFingerprintDigits), kIpcRevision, ext);
}

} // namespace

Result<std::string> runtime_dir() {
    if (std::string xdg = env("XDG_RUNTIME_DIR");
        !xdg.empty() && xdg[0] == '/' && is_directory(xdg))
        return checked_dir(xdg + "/ferry");
    std::string why_not_home = "no home directory of ours";
    if (std::string home = own_home(); !home.empty()) {
        auto dir = home_dir(home);
        if (dir) return dir;
        why_not_home = dir.error().message;
    }
    auto dir = checked_dir(tmp_dir());
    if (!dir) return make_error(Errc::invalid, "{} (and {})", dir.error().message, why_not_home);
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

} // namespace ferry::ipc
