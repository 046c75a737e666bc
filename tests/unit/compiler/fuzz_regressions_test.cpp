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
    // Since the -f catch-all is gone, gcc's table does not know the option at all (gcc 12
    // refuses it too); clang's knows it and finds no OLD=NEW. Local either way.
    Analysis gcc = analyse("gcc", args);
    CHECK_FALSE(gcc.remote);
    CHECK(gcc.reason.find("unknown option") != std::string::npos);
    Analysis clang = analyse("clang++", args);
    CHECK_FALSE(clang.remote);
    CHECK(clang.reason.find("OLD=NEW") != std::string::npos);
    CHECK_FALSE(reroot_args(args, "/tmp/fuzzroot", "/home/u/p").has_value());
}

TEST_CASE("an option of another family: gcc keeps it local, clang sends it, the runner agrees") {
    const std::vector<std::string> args = {"-fcoverage-prefix-map=/src=."};
    auto mine = match_option(args, 0, Family::gcc);
    auto theirs = match_option(args, 0, Family::clang);
    auto any = match_option(args, 0, std::nullopt);
    CHECK(std::holds_alternative<MatchError>(mine));
    REQUIRE(std::holds_alternative<OptionMatch>(theirs));
    REQUIRE(std::holds_alternative<OptionMatch>(any));
    CHECK(std::get<OptionMatch>(theirs).role == Role::prefix_map);
    CHECK(std::get<OptionMatch>(any).role == Role::prefix_map);
    const std::vector<std::string> job = {"-c", "a.c", "-o", "a.o", "-fcoverage-prefix-map=/src=."};
    CHECK_FALSE(analyse("gcc", job).remote);
    Analysis a = analyse("clang", job);
    REQUIRE(a.remote);
    CHECK(reroot_args(a.remote_args, "/tmp/fuzzroot", "/home/u/p").has_value());
}

TEST_CASE("fuzz_args: an empty -x language stays local") {
    // Found by CI's 15-second fuzz_args run on main: "-x '' -c foo.c". The analyser read
    // "-x ''" as no -x at all and sent the job; the runner refused the language ''.
    constexpr std::string_view kInput("-x\0\0-c\0foo.c", 12);
    const auto args = split_on_nul(kInput);
    REQUIRE(args.size() == 4);
    CHECK(args[1].empty());
    for (const char* compiler : {"gcc", "clang++"}) {
        CAPTURE(compiler);
        Analysis a = analyse(compiler, args);
        CHECK_FALSE(a.remote);
        CHECK(a.reason.find("language '' is not distributed") != std::string::npos);
    }
    auto refused = reroot_args(args, "/tmp/fuzzroot", "/home/u/p");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("only C and C++") != std::string::npos);
    // The joined spelling, and an empty source after a valid -x, are kept local too.
    for (const std::vector<std::string>& other : {std::vector<std::string>{"-x", "-c", "foo.c"},
                                                  std::vector<std::string>{"-xc", "-c", ""}}) {
        CHECK_FALSE(analyse("gcc", other).remote);
        CHECK_FALSE(reroot_args(other, "/tmp/fuzzroot", "/home/u/p").has_value());
    }
}
