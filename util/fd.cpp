#include "util/fd.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace ferry {

void Fd::reset(int fd) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
}

Result<Pipe> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error("pipe", errno);
    return Pipe{Fd(fds[0]), Fd(fds[1])};
}

} // namespace ferry
