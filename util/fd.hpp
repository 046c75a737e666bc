// A move-only owner of a file descriptor: every fd in ferry lives in one of these, so no
// early return can leak one into a compiler or, worse, keep make's jobserver pipe open.
#pragma once

#include "util/result.hpp"

#include <utility>

namespace ferry {

class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.m_fd, -1));
        return *this;
    }
    ~Fd() { reset(); }

    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    explicit operator bool() const { return valid(); }
    int release() { return std::exchange(m_fd, -1); }
    void reset(int fd = -1);

  private:
    int m_fd = -1;
};

// A pipe whose both ends are O_CLOEXEC.
struct Pipe {
    Fd read;
    Fd write;
};

// A new Pipe; errno_error("pipe") on failure.
Result<Pipe> make_pipe();

} // namespace ferry
