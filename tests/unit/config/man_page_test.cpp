// hosts.toml(5) cannot drift from the parser: every key parse_hosts_toml takes is documented
// in man/hosts.toml.5, and every key documented there is one it takes.
#include "config/hosts.hpp"
#include "tests/unit/support/man_page.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace ferry;

TEST_CASE("hosts.toml(5) documents every key of hosts.toml, and no other") {
    test::check_page_documents("man/hosts.toml.5", config::hosts_toml_keys());
}

TEST_CASE("every key hosts_toml_keys() lists is one the parser takes") {
    // A value of a wrong type for every key: the error must be about the value, never
    // "unknown key", so the list cannot name a key the parser would refuse.
    for (const std::string& key : config::hosts_toml_keys()) {
        CAPTURE(key);
        const auto dot = key.find('.');
        std::string text;
        if (dot == std::string::npos) {
            text = key + " = [[]]\n";
        } else {
            const std::string table = key.substr(0, dot);
            text = (table == "runner" ? "[[runner]]\n" : "[" + table + "]\n") +
                   key.substr(dot + 1) + " = [[]]\n";
        }
        auto parsed = config::parse_hosts_toml(text, "keys.toml");
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().message.find("unknown key") == std::string::npos);
    }
    auto unknown = config::parse_hosts_toml("[client]\nno_such_key = 1\n", "keys.toml");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message.find("unknown key") != std::string::npos);
}
