#include "util/cidr.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <netinet/in.h>

namespace ferry {

Result<Cidr> Cidr::parse(std::string_view text) {
    Cidr c;
    std::string addr(text.substr(0, text.find('/')));
    int max_prefix = 0;
    if (::inet_pton(AF_INET, addr.c_str(), c.m_addr.data()) == 1) {
        c.m_family = AF_INET;
        max_prefix = 32;
    } else if (::inet_pton(AF_INET6, addr.c_str(), c.m_addr.data()) == 1) {
        c.m_family = AF_INET6;
        max_prefix = 128;
    } else {
        return make_error(Errc::invalid, "'{}' is not an IPv4 or IPv6 address range", text);
    }
    c.m_prefix = max_prefix;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        auto digits = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), c.m_prefix);
        if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
            c.m_prefix < 0 || c.m_prefix > max_prefix)
            return make_error(Errc::invalid, "'{}': prefix length must be 0 to {}", text,
                              max_prefix);
    }
    return c;
}

static bool prefix_match(const uint8_t* a, const uint8_t* b, int bits) {
    int full = bits / 8;
    if (std::memcmp(a, b, static_cast<size_t>(full)) != 0) return false;
    int rest = bits % 8;
    if (!rest) return true;
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (a[full] & mask) == (b[full] & mask);
}

bool Cidr::contains(const sockaddr* addr) const {
    if (addr->sa_family == AF_INET && m_family == AF_INET) {
        auto* in = reinterpret_cast<const sockaddr_in*>(addr);
        return prefix_match(reinterpret_cast<const uint8_t*>(&in->sin_addr), m_addr.data(),
                            m_prefix);
    }
    if (addr->sa_family == AF_INET6) {
        auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
        const uint8_t* bytes = in6->sin6_addr.s6_addr;
        if (m_family == AF_INET6) return prefix_match(bytes, m_addr.data(), m_prefix);
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
            return prefix_match(bytes + 12, m_addr.data(), m_prefix);
    }
    return false;
}

std::string Cidr::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(m_family, m_addr.data(), buf, sizeof buf);
    return fmt::format("{}/{}", buf, m_prefix);
}

bool is_loopback(const sockaddr* addr) {
    static const Cidr v4 = *Cidr::parse("127.0.0.0/8");
    static const Cidr v6 = *Cidr::parse("::1/128");
    return v4.contains(addr) || v6.contains(addr);
}

std::string address_to_string(const sockaddr* addr) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (addr->sa_family == AF_INET) {
        auto* in = reinterpret_cast<const sockaddr_in*>(addr);
        ::inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
        return fmt::format("{}:{}", buf, ntohs(in->sin_port));
    }
    if (addr->sa_family == AF_INET6) {
        auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
        ::inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
        return fmt::format("[{}]:{}", buf, ntohs(in6->sin6_port));
    }
    return "(unknown address)";
}

} // namespace ferry
