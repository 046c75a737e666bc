#include "remote/runner/process_setup.hpp"

#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace ferry::runner {

void DaemonNotifier::ready() {
    if (m_fd) [[maybe_unused]]
        auto n = ::write(m_fd.get(), "ok", 2);
    m_fd.reset();
}

void DaemonNotifier::failed(std::string_view message) {
    if (m_fd) [[maybe_unused]]
        auto n = ::write(m_fd.get(), message.data(), message.size());
    m_fd.reset();
}

// The original process: relay what the daemon says, exit accordingly.
[[noreturn]] static void wait_for_daemon(Fd from_daemon) {
    std::string said;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(from_daemon.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        said.append(buf, static_cast<size_t>(n));
    }
    if (said == "ok") ::_exit(0);
    if (said.empty()) said = "the daemon exited during start-up (see the log)";
    std::fprintf(stderr, "ferryd: %s\n", said.c_str());
    ::_exit(1);
}

Result<DaemonNotifier> daemonize() {
    FERRY_TRY(pipe, make_pipe());
    Fd read_end = std::move(pipe->read), write_end = std::move(pipe->write);
    pid_t pid = ::fork();
    if (pid < 0) return errno_error("fork", errno);
    if (pid > 0) {
        write_end.reset();
        wait_for_daemon(std::move(read_end));
    }
    read_end.reset();
    if (::setsid() < 0) return errno_error("setsid", errno);
    // The second fork makes sure we are not a session leader and never get a terminal back.
    pid = ::fork();
    if (pid < 0) return errno_error("fork", errno);
    if (pid > 0) ::_exit(0);
    if (::chdir("/") != 0) return errno_error("chdir /", errno);
    Fd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null) return errno_error("open /dev/null", errno);
    for (int fd = 0; fd <= 2; ++fd)
        if (::dup2(null.get(), fd) < 0) return errno_error("dup2", errno);
    return DaemonNotifier(std::move(write_end));
}

Result<void> drop_privileges(const std::string& requested) {
    if (::geteuid() != 0) {
        if (requested.empty()) return ok();
        return make_error(Errc::refused, "--user {} needs ferryd to be started as root (it is not)",
                          requested);
    }
    // Like distccd: compilers run for clients must never have root's rights.
    const std::string user = requested.empty() ? kFallbackUser : requested;
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (int rc = ::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found); rc != 0)
        return errno_error("look up user " + user, rc);
    if (!found)
        return make_error(Errc::refused,
                          "{}: no such user (ferryd will not run compilers as root; give "
                          "--user NAME)",
                          user);
    if (pw.pw_uid == 0) return make_error(Errc::refused, "--user {} is root", user);
    gid_t gid = pw.pw_gid;
    if (::setgroups(1, &gid) != 0) return errno_error("setgroups", errno);
    if (::setgid(gid) != 0) return errno_error("setgid", errno);
    if (::setuid(pw.pw_uid) != 0) return errno_error("setuid", errno);
    if (::setuid(0) == 0) return make_error(Errc::internal, "could still become root after setuid");
    return ok();
}

Result<PidFile> PidFile::create(const std::string& path) {
    FERRY_TRY_VOID(write_file_atomic(path, std::to_string(::getpid()) + "\n"));
    return PidFile(path);
}

PidFile::~PidFile() {
    if (!m_path.empty() && ::unlink(m_path.c_str()) != 0 && errno != ENOENT)
        log::warning("cannot remove pid file {}: {}", m_path, std::strerror(errno));
}

} // namespace ferry::runner
