#include "monitor/web/listen_address.hpp"

#include <arpa/inet.h>
#include <charconv>

namespace ferry::monitor::web {

Result<ListenAddress> parse_listen_address(std::string_view spec) {
    ListenAddress out;
    std::string_view host = "127.0.0.1";
    std::string_view port = spec;
    if (auto colon = spec.rfind(':'); colon != std::string_view::npos) {
        host = spec.substr(0, colon);
        port = spec.substr(colon + 1);
        if (host == "localhost") host = "127.0.0.1";
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
        return make_error(Errc::invalid, "'{}': expected [ADDR:]PORT, PORT from 0 to 65535", spec);
    out.host = std::string(host);
    out.addr.sin_family = AF_INET;
    out.addr.sin_port = htons(static_cast<uint16_t>(value));
    if (::inet_pton(AF_INET, out.host.c_str(), &out.addr.sin_addr) != 1)
        return make_error(Errc::invalid, "'{}': '{}' is not an IPv4 address", spec, host);
    out.port = static_cast<uint16_t>(value);
    return out;
}

} // namespace ferry::monitor::web
