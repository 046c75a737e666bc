#include "monitor/web/listen_address.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <netinet/in.h>

namespace ferry::monitor::web {

Result<ListenAddress> parse_listen_address(std::string_view spec) {
    ListenAddress out;
    std::string_view host = "127.0.0.1";
    std::string_view port = spec;
    bool bracketed = false;
    if (!spec.empty() && spec.front() == '[') {
        const size_t close = spec.find(']');
        if (close == std::string_view::npos || spec.substr(close + 1, 1) != ":")
            return make_error(Errc::invalid, "'{}': expected [IPV6]:PORT", spec);
        host = spec.substr(1, close - 1);
        port = spec.substr(close + 2);
        bracketed = true;
    } else if (auto colon = spec.rfind(':'); colon != std::string_view::npos) {
        host = spec.substr(0, colon);
        port = spec.substr(colon + 1);
        if (host == "localhost") host = "127.0.0.1";
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
        return make_error(Errc::invalid, "'{}': expected [ADDR:]PORT, PORT from 0 to 65535", spec);
    out.port = static_cast<uint16_t>(value);
    const std::string name(host);
    if (bracketed) {
        auto& a6 = reinterpret_cast<sockaddr_in6&>(out.addr);
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons(out.port);
        if (::inet_pton(AF_INET6, name.c_str(), &a6.sin6_addr) != 1)
            return make_error(Errc::invalid, "'{}': '{}' is not an IPv6 address", spec, host);
        out.addr_len = sizeof a6;
        out.host = "[" + name + "]";
        return out;
    }
    auto& a4 = reinterpret_cast<sockaddr_in&>(out.addr);
    a4.sin_family = AF_INET;
    a4.sin_port = htons(out.port);
    if (::inet_pton(AF_INET, name.c_str(), &a4.sin_addr) != 1)
        return make_error(Errc::invalid,
                          "'{}': '{}' is not an IPv4 address (IPv6 goes in brackets: [::1]:PORT)",
                          spec, host);
    out.addr_len = sizeof a4;
    out.host = name;
    return out;
}

} // namespace ferry::monitor::web
