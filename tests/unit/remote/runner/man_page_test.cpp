// ferryd.toml(5) cannot drift from the parser: every key parse_config_text takes is
// documented in man/ferryd.toml.5, and every key documented there is one it takes.
#include "remote/runner/config_file.hpp"
#include "tests/unit/support/man_page.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace ferry;

TEST_CASE("ferryd.toml(5) documents every key of ferryd.toml, and no other") {
    test::check_page_documents("man/ferryd.toml.5", runner::config_file_keys());
}

TEST_CASE("every key config_file_keys() lists is one the parser takes") {
    // A value of a wrong type for every key: the error must be about the value, never
    // "unknown key", so the list cannot name a key the parser would refuse.
    for (const std::string& key : runner::config_file_keys()) {
        CAPTURE(key);
        const auto dot = key.find('.');
        const std::string text = dot == std::string::npos ? key + " = [[]]\n"
                                                          : "[" + key.substr(0, dot) + "]\n" +
                                                                key.substr(dot + 1) + " = [[]]\n";
        auto parsed = runner::parse_config_text(text, "keys.toml", runner::Options{});
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().message.find("unknown key") == std::string::npos);
    }
    auto unknown =
        runner::parse_config_text("[limits]\nno_such_key = 1\n", "keys.toml", runner::Options{});
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message.find("unknown key") != std::string::npos);
}
