// What ferryd does to its own process before serving: leave the terminal (--daemon), give up
// root (--user, or "nobody"), and record its pid (--pid-file). distccd's rule: never compile as
// root.
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <string>
#include <string_view>
#include <utility>

namespace ferry::runner {

// The detached process's line back to the terminal it left: the original process waits for
// ready() or failed(), so start-up errors after detaching still show, with exit status 1.
class DaemonNotifier {
  public:
    explicit DaemonNotifier(Fd fd) : m_fd(std::move(fd)) {}
    void ready();
    void failed(std::string_view message);

  private:
    Fd m_fd;
};

// Double fork and setsid; stdio to /dev/null; cwd "/". Only the grandchild returns; the
// original process exits when the grandchild reports through the notifier (or dies).
Result<DaemonNotifier> daemonize();

// The account ferryd switches to when started as root without --user.
inline constexpr const char* kFallbackUser = "nobody";

// Started as root: setgroups, setgid, setuid to `user` (kFallbackUser when empty), then checks
// root cannot be regained. Not root: nothing to do, but --user is then an error (Errc::refused).
Result<void> drop_privileges(const std::string& user);

// Writes the pid at construction; removes the file when destroyed.
class PidFile {
  public:
    static Result<PidFile> create(const std::string& path);
    PidFile(PidFile&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
    PidFile& operator=(PidFile&&) = delete;
    PidFile(const PidFile&) = delete;
    PidFile& operator=(const PidFile&) = delete;
    ~PidFile();

  private:
    explicit PidFile(std::string path) : m_path(std::move(path)) {}
    std::string m_path;
};

} // namespace ferry::runner
