#include "config/hosts.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace ferry;
using namespace ferry::config;

namespace {

std::string error_of(const std::string& spec) {
    auto config = parse_distcc_hosts(spec);
    REQUIRE_FALSE(config);
    CHECK(config.error().code == Errc::invalid);
    CHECK(config.error().message.find("$FERRY_HOSTS") != std::string::npos);
    return config.error().message;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("DISTCC_HOSTS grammar: host[:port][/limit]") {
    auto config = parse_distcc_hosts("alpha  10.0.0.2:4000\tbeta/8\n[::1]:3633/4 [fe80::2]");
    REQUIRE(config);
    REQUIRE(config->runners.size() == 5);
    CHECK(config->runners[0].host == "alpha");
    CHECK(config->runners[0].port == kDefaultPort);
    CHECK(config->runners[0].slots == 0);
    CHECK(config->runners[0].name == "alpha:3633");
    CHECK(config->runners[1].host == "10.0.0.2");
    CHECK(config->runners[1].port == 4000);
    CHECK(config->runners[2].host == "beta");
    CHECK(config->runners[2].slots == 8);
    CHECK(config->runners[3].host == "::1");
    CHECK(config->runners[3].port == 3633);
    CHECK(config->runners[3].slots == 4);
    CHECK(config->runners[3].name == "[::1]:3633");
    CHECK(config->runners[4].host == "fe80::2");
    CHECK(config->local_slots == 0); // no localhost: the CPU count, decided by load()
    CHECK(config->source == "$FERRY_HOSTS");
}

TEST_CASE("localhost and --localslots size the local pool") {
    CHECK(parse_distcc_hosts("localhost a").value().local_slots == 2);
    CHECK(parse_distcc_hosts("localhost/6 a").value().local_slots == 6);
    CHECK(parse_distcc_hosts("a LOCALHOST/3").value().local_slots == 3);
    CHECK(parse_distcc_hosts("--localslots=5 a").value().local_slots == 5);
    CHECK(parse_distcc_hosts("--localslots_cpp=7 a").value().local_slots == 7);
    CHECK(parse_distcc_hosts("--localslots=3 --localslots_cpp=9 localhost/4").value().local_slots ==
          9);
    CHECK(parse_distcc_hosts("localhost").value().runners.empty());
}

TEST_CASE("distcc options are accepted and ignored") {
    auto config = parse_distcc_hosts("--randomize a/4,lzo b,cpp,lzo localhost/2,lzo  # a comment\n"
                                     "# whole line comment c\n");
    REQUIRE(config);
    REQUIRE(config->runners.size() == 2);
    CHECK(config->runners[0].slots == 4);
    CHECK(config->runners[1].host == "b");
    CHECK(config->local_slots == 2);
}

TEST_CASE("an empty spec is an empty cluster") {
    auto config = parse_distcc_hosts("  \n ");
    REQUIRE(config);
    CHECK(config->runners.empty());
}

TEST_CASE("bad DISTCC_HOSTS tokens are errors naming the token") {
    CHECK(contains(error_of("a host:abc"),
                   "\"host:abc\": expected a port from 1 to 65535, got \"abc\""));
    CHECK(contains(error_of("host:0"), "\"host:0\""));
    CHECK(contains(error_of("host:65536"), "\"host:65536\""));
    CHECK(contains(error_of("host:"), "\"host:\""));
    CHECK(contains(error_of("host/0"), "\"host/0\": expected a job limit"));
    CHECK(contains(error_of("host/x"), "\"host/x\""));
    CHECK(contains(error_of("host/"), "\"host/\""));
    CHECK(contains(error_of("host:1/2/3"), "\"host:1/2/3\""));
    CHECK(contains(error_of("@remote"),
                   "ssh runners (@host) are not supported: run ferryd on the host"));
    CHECK(contains(error_of("user@remote/4"), "ssh runners (@host) are not supported"));
    CHECK(contains(error_of("host,auth"), "GSSAPI"));
    CHECK(contains(error_of("host,auth=svc"), "GSSAPI"));
    CHECK(contains(error_of("host,zip"), "unknown host option \"zip\""));
    CHECK(contains(error_of("--localslots=0"), "\"--localslots=0\""));
    CHECK(contains(error_of("--localslots=x"), "\"--localslots=x\""));
    CHECK(contains(error_of("--localslots"), "unknown option"));
    CHECK(contains(error_of("--verbose"), "unknown option"));
    CHECK(contains(error_of("+zeroconf"), "not supported"));
    CHECK(contains(error_of("::1"), "brackets"));
    CHECK(contains(error_of("fe80::1:3633"), "brackets"));
    CHECK(contains(error_of("[::1"), "\"[::1\""));
    CHECK(contains(error_of("[::g]:3633"), "IPv6"));
    CHECK(contains(error_of("[::1]x"), "\"[::1]x\""));
    CHECK(contains(error_of(":3633"), "no host name"));
    CHECK(contains(error_of("ho$t"), "\"ho$t\""));
    CHECK(contains(error_of("localhost:3633"), "127.0.0.1:3633"));
    CHECK(contains(error_of("localhost localhost/2"), "twice"));
    CHECK(contains(error_of("a:3633 a"), "already given by \"a:3633\""));
    CHECK(contains(error_of("[::1] [0::1]:3633"), "[::1]:3633 is already given"));
}
