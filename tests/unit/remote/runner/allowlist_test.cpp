#include "remote/runner/allowlist.hpp"
#include "remote/runner/peer.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>

using namespace ferry;
using namespace ferry::runner;

static compiler::Identity identity(std::string name, char id) {
    compiler::Identity c;
    c.name = std::move(name);
    c.path = "/usr/bin/" + c.name;
    c.driver = "c";
    c.target = "x86_64-linux-gnu";
    c.version = "v";
    c.id = std::string(32, id);
    return c;
}

TEST_CASE("a job's compiler must match both name and id") {
    CompilerAllowlist list({identity("gcc", 'a'), identity("clang", 'b')});
    auto gcc = list.find("gcc", std::string(32, 'a'));
    REQUIRE(gcc);
    CHECK((*gcc)->path == "/usr/bin/gcc");
    auto wrong_id = list.find("gcc", std::string(32, 'b'));
    REQUIRE_FALSE(wrong_id);
    CHECK(wrong_id.error().code == Errc::refused);
    CHECK(wrong_id.error().message.find("compiler 'gcc' with id") != std::string::npos);
    CHECK(wrong_id.error().message.find("is not offered by this runner") != std::string::npos);
    CHECK_FALSE(list.find("/usr/bin/gcc", std::string(32, 'a')));
    CHECK_FALSE(list.find("tcc", std::string(32, 'a')));
    auto infos = list.infos();
    REQUIRE(infos.size() == 2);
    CHECK(infos[1].name == "clang");
    CHECK(infos[1].id == std::string(32, 'b'));
}

TEST_CASE("resolve reports a named compiler that does not exist") {
    auto missing = CompilerAllowlist::resolve({"no-such-compiler-xyz"}, "/nonexistent");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message.find("no-such-compiler-xyz") != std::string::npos);
}

TEST_CASE("peers are checked against --allow") {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    ::inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
    auto* peer = reinterpret_cast<sockaddr*>(&in);
    CHECK(peer_allowed({*Cidr::parse("127.0.0.0/8")}, peer));
    CHECK_FALSE(peer_allowed({*Cidr::parse("127.0.0.9/32")}, peer));
    CHECK_FALSE(peer_allowed({}, peer));
    CHECK(host_of(peer) == "127.0.0.1");
    sockaddr_in6 in6{};
    in6.sin6_family = AF_INET6;
    ::inet_pton(AF_INET6, "::1", &in6.sin6_addr);
    CHECK(host_of(reinterpret_cast<sockaddr*>(&in6)) == "::1");
}
