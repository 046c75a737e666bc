#include "monitor/web/listen_address.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>

using namespace ferry::monitor::web;

TEST_CASE("a bare port listens on loopback") {
    auto a = parse_listen_address("8080");
    REQUIRE(a);
    CHECK(a->host == "127.0.0.1");
    CHECK(a->port == 8080);
    CHECK(ntohl(a->addr.sin_addr.s_addr) == 0x7f000001u);
}

TEST_CASE("an explicit address, and port 0") {
    auto a = parse_listen_address("0.0.0.0:0");
    REQUIRE(a);
    CHECK(a->host == "0.0.0.0");
    CHECK(a->port == 0);
    CHECK(parse_listen_address("localhost:9")->host == "127.0.0.1");
}

TEST_CASE("bad specs are refused") {
    for (const char* bad : {"", "x", "65536", "-1", "1.2.3.4:", ":80x", "host.example:80",
                            "127.0.0.1:80:81", "99999999999999999999"})
        CHECK_MESSAGE(!parse_listen_address(bad), bad);
}
