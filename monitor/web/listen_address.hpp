// `ferry mon --web [ADDR:]PORT`: where the dashboard listens. A bare port means loopback, so
// a build's file names are not shown to the network unless the user names an address. ADDR
// is IPv4 or, in brackets as in a URL, IPv6 ("[::1]:8080").
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <sys/socket.h>

namespace ferry::monitor::web {

struct ListenAddress {
    sockaddr_storage addr{}; // a sockaddr_in or sockaddr_in6, port included
    socklen_t addr_len = 0;
    std::string host;  // as in a URL: "127.0.0.1", "[::1]"
    uint16_t port = 0; // 0: the kernel picks one

    int family() const { return addr.ss_family; }
};

// "8080", "127.0.0.1:8080", "0.0.0.0:8080", "localhost:0", "[::1]:8080", "[::]:0".
// Errc::invalid otherwise.
Result<ListenAddress> parse_listen_address(std::string_view spec);

} // namespace ferry::monitor::web
