// `ferry mon --web [ADDR:]PORT`: where the dashboard listens. A bare port means loopback, so
// a build's file names are not shown to the network unless the user names an address.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <netinet/in.h>
#include <string>
#include <string_view>

namespace ferry::monitor::web {

struct ListenAddress {
    sockaddr_in addr{}; // IPv4: the runners' addresses in this project are IPv4 too
    std::string host;   // as printed: "127.0.0.1"
    uint16_t port = 0;  // 0: the kernel picks one
};

// "8080", "127.0.0.1:8080", "0.0.0.0:8080", "localhost:0". Errc::invalid otherwise.
Result<ListenAddress> parse_listen_address(std::string_view spec);

} // namespace ferry::monitor::web
