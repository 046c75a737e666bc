// Inputs that once crashed a fuzz target (tests/fuzz/), decoded exactly as the target decodes
// them, so each bug stays fixed without a fuzzing build. The same bytes are in the seed
// corpus (tests/fuzz/corpus/args/regress-*).
#include "compiler/args.hpp"
#include "compiler/option_table.hpp"

#include <doctest/doctest.h>
#include <string>
#include <string_view>
#include <vector>

using namespace ferry::compiler;

namespace {

// fuzz_args' decoding: the input split on NUL, a trailing piece kept if non-empty.
std::vector<std::string> split_on_nul(std::string_view input) {
    std::vector<std::string> args;
    std::string current;
    for (char c : input) {
        if (c == '\0') {
            args.push_back(std::move(current));
            current.clear();
        } else {
            current.push_back(c);
        }
    }
    if (!current.empty()) args.push_back(std::move(current));
    return args;
}

} // namespace

TEST_CASE("fuzz_args: gcc keeps a clang-only prefix map without '=' local") {
    // crash-481419619eb1b7eb, minimised: "-c\0.c\0-fcoverage-prefix-map=E". gcc's table has
    // no -fcoverage-prefix-map=, so the analyser took it for a plain -f option and sent the
    // job; the runner, which knows every family, refused it ("expected OLD=NEW").
    constexpr std::string_view kInput("-c\0.c\0-fcoverage-prefix-map=E", 29);
    const auto args = split_on_nul(kInput);
    REQUIRE(args.size() == 3);
    CHECK(args[2] == "-fcoverage-prefix-map=E");
    for (const char* compiler : {"gcc", "clang++"}) {
        CAPTURE(compiler);
        Analysis a = analyse(compiler, args);
        CHECK_FALSE(a.remote);
        CHECK(a.reason.find("OLD=NEW") != std::string::npos);
    }
    CHECK_FALSE(reroot_args(args, "/tmp/fuzzroot", "/home/u/p").has_value());
}

TEST_CASE("gcc reads an option of another family the way the runner does") {
    const std::vector<std::string> args = {"-fcoverage-prefix-map=/src=."};
    auto mine = match_option(args, 0, Family::gcc);
    auto any = match_option(args, 0, std::nullopt);
    REQUIRE(std::holds_alternative<OptionMatch>(mine));
    REQUIRE(std::holds_alternative<OptionMatch>(any));
    CHECK(std::get<OptionMatch>(mine).role == Role::prefix_map);
    CHECK(std::get<OptionMatch>(mine).role == std::get<OptionMatch>(any).role);
    // Whatever gcc's analysis sends, the runner accepts.
    const std::vector<std::string> job = {"-c", "a.c", "-o", "a.o", "-fcoverage-prefix-map=/src=."};
    Analysis a = analyse("gcc", job);
    REQUIRE(a.remote);
    CHECK(reroot_args(a.remote_args, "/tmp/fuzzroot", "/home/u/p").has_value());
}
