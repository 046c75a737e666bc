#include "remote/runner/peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace ferry::runner {

bool peer_allowed(const std::vector<Cidr>& allow, const sockaddr* peer) {
    for (const auto& range : allow)
        if (range.contains(peer)) return true;
    return false;
}

std::string host_of(const sockaddr* peer) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (peer->sa_family == AF_INET)
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(peer)->sin_addr, buf,
                    sizeof buf);
    else if (peer->sa_family == AF_INET6)
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(peer)->sin6_addr, buf,
                    sizeof buf);
    else
        return "(unknown address)";
    return buf;
}

} // namespace ferry::runner
