#include "remote/runner/listen_socket.hpp"

#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>

namespace ferry::runner {

Result<Fd> bind_listener(const ListenAddress& address, int backlog) {
    int family = address.address.ss_family;
    Fd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return errno_error("socket for " + address.text, errno);
    int one = 1;
    // A restarted ferryd must be able to bind while old connections sit in TIME_WAIT.
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        return errno_error("setsockopt SO_REUSEADDR", errno);
    // [::]:3633 means IPv6 only; IPv4 needs its own --listen (and its own --allow check).
    if (family == AF_INET6 &&
        ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
        return errno_error("setsockopt IPV6_V6ONLY", errno);
    if (::bind(fd.get(), address.sockaddr_ptr(), address.length) != 0)
        return errno_error("bind " + address.text, errno);
    if (::listen(fd.get(), backlog) != 0) return errno_error("listen " + address.text, errno);
    return fd;
}

} // namespace ferry::runner
