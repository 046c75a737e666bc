// The test tools' way onto a runner: an IPv4 "ADDR[:PORT]" connection, optionally from a
// chosen local address (a suite attacks from 127.0.0.3 to test --allow). Shared by
// ferry_probe and ferry_attack.
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>

namespace ferry::test_tools {

inline Result<sockaddr_in> parse_v4(const std::string& text, uint16_t default_port) {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    std::string host = text;
    uint16_t port = default_port;
    if (auto colon = text.rfind(':'); colon != std::string::npos) {
        host = text.substr(0, colon);
        port = static_cast<uint16_t>(std::atoi(text.c_str() + colon + 1));
    }
    if (::inet_pton(AF_INET, host.c_str(), &in.sin_addr) != 1)
        return make_error(Errc::invalid, "bad address {}", text);
    in.sin_port = htons(port);
    return in;
}

// Connected to `target` (port `default_port` unless it names one), bound first to
// `bind_addr` when that is not empty.
inline Result<Fd> connect_v4(const std::string& target, const std::string& bind_addr,
                             uint16_t default_port) {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return errno_error("socket", errno);
    if (!bind_addr.empty()) {
        // The kernel picks the local port from its ephemeral range, which overlaps the
        // suites' fixed ports (lib.sh's suite_port), and a runner's address is where the
        // probes come from: without SO_REUSEADDR this connection's port on that address —
        // alive, or for a minute in TIME_WAIT after the probe closes first — refuses a later
        // runner's bind there ("Address already in use": CI lost test_make_lto.make44 so,
        // its port taken by another suite's probe of 127.0.0.6). With it, only a listener
        // holds the port.
        int one = 1;
        if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
            return errno_error("SO_REUSEADDR", errno);
        FERRY_TRY(local, parse_v4(bind_addr, 0));
        if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*local), sizeof *local) != 0)
            return errno_error("bind " + bind_addr, errno);
    }
    FERRY_TRY(remote, parse_v4(target, default_port));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*remote), sizeof *remote) != 0)
        return errno_error("connect " + target, errno);
    return fd;
}

} // namespace ferry::test_tools
