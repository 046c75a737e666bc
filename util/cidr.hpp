// Address ranges for --allow (IPv4 and IPv6): "127.0.0.0/8", "::1/128", "10.1.2.3".
#pragma once

#include "util/result.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <sys/socket.h>

namespace ferry {

class Cidr {
  public:
    static Result<Cidr> parse(std::string_view text);
    // IPv4-mapped IPv6 peers (::ffff:a.b.c.d) match IPv4 ranges.
    bool contains(const sockaddr* addr) const;
    std::string to_string() const;

  private:
    int m_family = 0; // AF_INET or AF_INET6
    std::array<uint8_t, 16> m_addr{};
    int m_prefix = 0;
};

bool is_loopback(const sockaddr* addr);
std::string address_to_string(const sockaddr* addr); // "127.0.0.1:3633", "[::1]:3633"

} // namespace ferry
