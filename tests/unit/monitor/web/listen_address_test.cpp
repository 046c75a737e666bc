#include "monitor/web/listen_address.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>

using namespace ferry::monitor::web;

TEST_CASE("a bare port listens on loopback") {
    auto a = parse_listen_address("8080");
    REQUIRE(a);
    CHECK(a->host == "127.0.0.1");
    CHECK(a->port == 8080);
    REQUIRE(a->family() == AF_INET);
    CHECK(ntohl(reinterpret_cast<const sockaddr_in&>(a->addr).sin_addr.s_addr) == 0x7f000001u);
}

TEST_CASE("an explicit address, and port 0") {
    auto a = parse_listen_address("0.0.0.0:0");
    REQUIRE(a);
    CHECK(a->host == "0.0.0.0");
    CHECK(a->port == 0);
    CHECK(parse_listen_address("localhost:9")->host == "127.0.0.1");
}

TEST_CASE("IPv6 in brackets, as in a URL") {
    auto a = parse_listen_address("[::1]:8080");
    REQUIRE(a);
    REQUIRE(a->family() == AF_INET6);
    CHECK(a->host == "[::1]");
    CHECK(a->port == 8080);
    CHECK(a->addr_len == sizeof(sockaddr_in6));
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(a->addr);
    CHECK(IN6_IS_ADDR_LOOPBACK(&a6.sin6_addr));
    CHECK(ntohs(a6.sin6_port) == 8080);
    auto any = parse_listen_address("[::]:0");
    REQUIRE(any);
    CHECK(any->host == "[::]");
    CHECK(any->port == 0);
}

TEST_CASE("bad specs are refused") {
    for (const char* bad :
         {"", "x", "65536", "-1", "1.2.3.4:", ":80x", "host.example:80", "127.0.0.1:80:81",
          "99999999999999999999", "::1:8080", "[::1]", "[::1]8080", "[::1]:", "[::1:80",
          "[127.0.0.1]:80", "[::1]:65536", "[fe80::1%lo]:80"})
        CHECK_MESSAGE(!parse_listen_address(bad), bad);
}
