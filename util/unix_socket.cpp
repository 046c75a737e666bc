#include "util/unix_socket.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>

namespace ferry {
namespace {

Result<sockaddr_un> unix_address(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        return make_error(Errc::invalid, "socket path too long: {}", path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

} // namespace

Result<Fd> connect_unix(const std::string& path, int& err) {
    err = 0;
    FERRY_TRY(addr, unix_address(path));
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return errno_error("socket", errno);
    int rc;
    do {
        rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        err = errno;
        return errno_error("connect " + path, err);
    }
    return fd;
}

Result<Fd> listen_unix(const std::string& path, int backlog) {
    FERRY_TRY(addr, unix_address(path));
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return errno_error("socket", errno);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0)
        return errno_error("bind " + path, errno);
    if (::listen(fd.get(), backlog) != 0) return errno_error("listen " + path, errno);
    return fd;
}

} // namespace ferry
