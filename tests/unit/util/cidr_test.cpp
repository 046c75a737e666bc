#include "util/cidr.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>

using namespace ferry;

static sockaddr_storage v4(const char* ip) {
    sockaddr_storage ss{};
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    inet_pton(AF_INET, ip, &in->sin_addr);
    return ss;
}

static sockaddr_storage v6(const char* ip) {
    sockaddr_storage ss{};
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, ip, &in6->sin6_addr);
    return ss;
}

static const sockaddr* sa(const sockaddr_storage& s) {
    return reinterpret_cast<const sockaddr*>(&s);
}

TEST_CASE("IPv4 ranges") {
    auto c = Cidr::parse("10.1.0.0/16");
    REQUIRE(c);
    CHECK(c->contains(sa(v4("10.1.2.3"))));
    CHECK_FALSE(c->contains(sa(v4("10.2.0.1"))));
    CHECK(c->contains(sa(v6("::ffff:10.1.9.9"))));
    auto host = Cidr::parse("192.168.1.7");
    REQUIRE(host);
    CHECK(host->contains(sa(v4("192.168.1.7"))));
    CHECK_FALSE(host->contains(sa(v4("192.168.1.8"))));
    auto odd = Cidr::parse("127.0.0.0/9");
    REQUIRE(odd);
    CHECK(odd->contains(sa(v4("127.127.0.1"))));
    CHECK_FALSE(odd->contains(sa(v4("127.128.0.1"))));
}

TEST_CASE("IPv6 ranges") {
    auto c = Cidr::parse("fd00::/8");
    REQUIRE(c);
    CHECK(c->contains(sa(v6("fd12::1"))));
    CHECK_FALSE(c->contains(sa(v6("fe80::1"))));
    CHECK_FALSE(c->contains(sa(v4("10.0.0.1"))));
}

TEST_CASE("bad ranges are errors that name the input") {
    for (const char* bad :
         {"", "10.0.0.0/33", "10.0.0/8", "::1/129", "abc", "1.2.3.4/", "1.2.3.4/x", "1.2.3.4/-1"}) {
        auto c = Cidr::parse(bad);
        CHECK_FALSE(c);
        if (!c) CHECK(c.error().message.find(bad) != std::string::npos);
    }
}

TEST_CASE("loopback detection") {
    CHECK(is_loopback(sa(v4("127.0.0.3"))));
    CHECK(is_loopback(sa(v6("::1"))));
    CHECK_FALSE(is_loopback(sa(v4("10.0.0.1"))));
}
