// Runner addresses: one canonical spelling per endpoint, so "::1", "[::1]" and
// "0:0:0:0:0:0:0:1" are recognised as the same runner, and a typo is refused here rather than
// discovered as a connection failure in the middle of a build.
#include "config/hosts.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <netinet/in.h>

namespace ferry::config {

namespace {

constexpr size_t kMaxHostName = 253; // RFC 1035, without the trailing dot
constexpr size_t kMaxLabel = 63;

bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

Result<std::string> canonical_ipv6(std::string_view literal, std::string_view original) {
    // A zone ("fe80::1%eth0") is needed for link-local addresses; inet_pton does not take it.
    std::string_view zone;
    if (auto percent = literal.find('%'); percent != std::string_view::npos) {
        zone = literal.substr(percent + 1);
        literal = literal.substr(0, percent);
        bool zone_ok = !zone.empty() && std::all_of(zone.begin(), zone.end(), [](char c) {
            return is_alnum(c) || c == '_' || c == '-' || c == '.';
        });
        if (!zone_ok) return make_error(Errc::invalid, "{:?} has a malformed IPv6 zone", original);
    }
    in6_addr addr{};
    std::string text(literal);
    if (::inet_pton(AF_INET6, text.c_str(), &addr) != 1)
        return make_error(Errc::invalid, "{:?} is not a valid IPv6 address", original);
    char buf[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET6, &addr, buf, sizeof buf);
    std::string result(buf);
    if (!zone.empty()) result += "%" + std::string(zone);
    return result;
}

Result<std::string> canonical_name(std::string_view name, std::string_view original) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1); // fully qualified
    if (name.empty() || name.size() > kMaxHostName)
        return make_error(Errc::invalid, "{:?} is not a valid host name", original);
    std::string result;
    size_t label_start = 0;
    for (size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '.') {
            std::string_view label = name.substr(label_start, i - label_start);
            if (label.empty() || label.size() > kMaxLabel || label.front() == '-' ||
                label.back() == '-')
                return make_error(Errc::invalid, "{:?} is not a valid host name", original);
            label_start = i + 1;
            if (i < name.size()) result += '.';
            continue;
        }
        char c = name[i];
        // Underscores are not RFC 1123, but internal DNS uses them and getaddrinfo accepts them.
        if (!is_alnum(c) && c != '-' && c != '_')
            return make_error(Errc::invalid, "{:?} is not a valid host name ({:?} is not allowed)",
                              original, std::string_view(&name[i], 1));
        result += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return result;
}

bool looks_like_ipv4(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return c == '.' || std::isdigit(static_cast<unsigned char>(c));
    });
}

} // namespace

Result<std::string> canonical_host(std::string_view address) {
    if (address.empty()) return make_error(Errc::invalid, "the address is empty");
    for (char c : address) {
        if (std::isspace(static_cast<unsigned char>(c)) ||
            std::iscntrl(static_cast<unsigned char>(c)))
            return make_error(Errc::invalid, "{:?} contains white space or control characters",
                              address);
    }
    if (address.front() == '[') {
        if (address.back() != ']')
            return make_error(Errc::invalid,
                              "{:?} is not a bracketed IPv6 address (the port is given separately)",
                              address);
        return canonical_ipv6(address.substr(1, address.size() - 2), address);
    }
    if (address.find(':') != std::string_view::npos) {
        auto v6 = canonical_ipv6(address, address);
        if (!v6 && std::count(address.begin(), address.end(), ':') == 1)
            return make_error(Errc::invalid,
                              "{:?} looks like host:port (the port is given separately)", address);
        return v6;
    }
    if (looks_like_ipv4(address)) {
        in_addr addr{};
        std::string text(address);
        if (::inet_pton(AF_INET, text.c_str(), &addr) != 1)
            return make_error(Errc::invalid, "{:?} is not a valid IPv4 address", address);
        char buf[INET_ADDRSTRLEN] = {};
        ::inet_ntop(AF_INET, &addr, buf, sizeof buf);
        return std::string(buf);
    }
    return canonical_name(address, address);
}

std::string endpoint_string(std::string_view host, uint16_t port) {
    if (host.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", host, port);
    return fmt::format("{}:{}", host, port);
}

} // namespace ferry::config
