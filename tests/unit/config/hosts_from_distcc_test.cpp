// `ferry hosts --from-distcc`: the hosts.toml it prints must describe the same cluster as the
// DISTCC_HOSTS it came from, read back by ferry's own parser.
#include "config/hosts_from_distcc.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace ferry;
using namespace ferry::config;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// The spec through both routes: $FERRY_HOSTS's parser, and the printed file through
// hosts.toml's. Same runners (names, addresses, ports, slots) and local slots.
void check_round_trip(const std::string& spec) {
    CAPTURE(spec);
    auto direct = parse_distcc_hosts(spec);
    REQUIRE(direct);
    auto text = hosts_toml_from_distcc(spec, "--from-distcc");
    REQUIRE(text);
    CAPTURE(*text);
    auto parsed = parse_hosts_toml(*text, "converted.toml");
    REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.error().message));
    CHECK(parsed->local_slots == direct->local_slots);
    REQUIRE(parsed->runners.size() == direct->runners.size());
    for (size_t i = 0; i < direct->runners.size(); ++i) {
        CHECK(parsed->runners[i].name == direct->runners[i].name);
        CHECK(parsed->runners[i].host == direct->runners[i].host);
        CHECK(parsed->runners[i].port == direct->runners[i].port);
        CHECK(parsed->runners[i].slots == direct->runners[i].slots);
    }
}

} // namespace

TEST_CASE("every DISTCC_HOSTS form round-trips through the printed hosts.toml") {
    check_round_trip("10.0.0.5");
    check_round_trip("10.0.0.5:3700");
    check_round_trip("10.0.0.5/16");
    check_round_trip("10.0.0.5:3700/16");
    check_round_trip("build-1.example.org/8 10.0.0.6:4000 localhost/3");
    check_round_trip("localhost");
    check_round_trip("--randomize a/4,lzo b,cpp,lzo localhost/2,lzo");
    check_round_trip("--localslots=5 --localslots_cpp=9 [::1]:3633/4 [fe80::2] 127.0.0.1:3634");
    check_round_trip("a # a comment\n# another line\nb/2");
    check_round_trip("");
}

TEST_CASE("the printed file says what it came from and why options are dropped") {
    auto text = hosts_toml_from_distcc("--randomize a/4,lzo b,cpp localhost/2", "--from-distcc");
    REQUIRE(text);
    CHECK(contains(*text, "#   --randomize a/4,lzo b,cpp localhost/2\n"));
    CHECK(contains(*text, "# --randomize: not needed"));
    CHECK(contains(*text, "# ,lzo: not needed"));
    CHECK(contains(*text, "# ,cpp: not needed"));
    CHECK(contains(*text, "local_slots = 2\n"));
    CHECK(contains(*text, "[[runner]]\naddress = \"a\"\nslots = 4\n"));
    // The spec's own comments and control characters stay inside one comment line.
    auto odd = hosts_toml_from_distcc("a\n# note\x01 b", "--from-distcc");
    REQUIRE(odd);
    CHECK(contains(*odd, "#   a # note? b\n"));
    CHECK(parse_hosts_toml(*odd, "odd.toml"));
}

TEST_CASE("what ferry cannot do is an error naming the word") {
    auto error_of = [](const std::string& spec) {
        auto text = hosts_toml_from_distcc(spec, "ferry hosts --from-distcc");
        REQUIRE_FALSE(text);
        CHECK(text.error().code == Errc::invalid);
        CHECK(text.error().message.rfind("ferry hosts --from-distcc: ", 0) == 0);
        return text.error().message;
    };
    CHECK(contains(error_of("a @b/4"), "\"@b/4\": ssh runners (@host) are not supported"));
    CHECK(contains(error_of("a user@b"), "ferry does not use ssh"));
    CHECK(contains(error_of("+zeroconf"), "\"+zeroconf\": +zeroconf is not supported: ferry "
                                          "does not discover runners"));
    CHECK(contains(error_of("a host:x/4"), "\"host:x/4\": expected a port"));
    CHECK(contains(error_of("a,zip"), "\"a,zip\": unknown host option \"zip\""));
    CHECK(contains(error_of("--verbose a"), "\"--verbose\": unknown option"));
}

TEST_CASE("toml_quoted escapes what a basic string cannot hold") {
    CHECK(toml_quoted("10.0.0.1") == "\"10.0.0.1\"");
    CHECK(toml_quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(toml_quoted(std::string("x\ny\x7f", 4)) == "\"x\\u000Ay\\u007F\"");
}
