#include "util/result.hpp"

#include <cerrno>
#include <doctest/doctest.h>
#include <memory>
#include <set>
#include <string>

using namespace ferry;

namespace {

Result<int> parse_digit(char c) {
    if (c < '0' || c > '9') return make_error(Errc::invalid, "'{}' is not a digit", c);
    return c - '0';
}

// Two digits through FERRY_TRY: the first error comes back as it was made.
Result<int> parse_two(const char* s) {
    FERRY_TRY(tens, parse_digit(s[0]));
    FERRY_TRY(ones, parse_digit(s[1]));
    return *tens * 10 + *ones;
}

Result<void> check_two(const char* s) {
    FERRY_TRY_VOID(parse_two(s));
    return ok();
}

} // namespace

TEST_CASE("a Result holds a value or an error") {
    Result<int> value = 42;
    REQUIRE(value);
    CHECK(value.has_value());
    CHECK(*value == 42);
    Result<int> error = make_error(Errc::timeout, "no answer within {} ms", 500);
    REQUIRE_FALSE(error);
    CHECK(error.error().code == Errc::timeout);
    CHECK(error.error().message == "no answer within 500 ms");

    Result<void> fine = ok();
    CHECK(fine);
    Result<void> failed = Error{Errc::refused, "no"};
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code == Errc::refused);
}

TEST_CASE("a Result can carry a move-only value out") {
    Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
    REQUIRE(r);
    std::unique_ptr<int> taken = std::move(r).value();
    REQUIRE(taken);
    CHECK(*taken == 7);
}

TEST_CASE("FERRY_TRY and FERRY_TRY_VOID pass the first error on unchanged") {
    auto both = parse_two("42");
    REQUIRE(both);
    CHECK(*both == 42);
    auto first = parse_two("x2");
    REQUIRE_FALSE(first);
    CHECK(first.error().code == Errc::invalid);
    CHECK(first.error().message == "'x' is not a digit");
    auto second = parse_two("4y");
    REQUIRE_FALSE(second);
    CHECK(second.error().message == "'y' is not a digit");
    CHECK(check_two("10"));
    auto unchecked = check_two("1z");
    REQUIRE_FALSE(unchecked);
    CHECK(unchecked.error().code == Errc::invalid);
    CHECK(unchecked.error().message == "'z' is not a digit");
}

TEST_CASE("errno_error says what failed, and a missing file is not_found") {
    Error missing = errno_error("open /x", ENOENT);
    CHECK(missing.code == Errc::not_found);
    CHECK(missing.message == "open /x: No such file or directory");
    Error denied = errno_error("open /y", EACCES);
    CHECK(denied.code == Errc::io);
    CHECK(denied.message == "open /y: Permission denied");
}

TEST_CASE("every Errc has its own name") {
    const Errc all[] = {Errc::invalid,         Errc::io,          Errc::protocol,
                        Errc::timeout,         Errc::unavailable, Errc::refused,
                        Errc::compile_locally, Errc::not_found,   Errc::internal};
    std::set<std::string> names;
    for (Errc code : all) {
        std::string name = errc_name(code);
        CHECK(name != "unknown");
        names.insert(name);
    }
    CHECK(names.size() == std::size(all));
    CHECK(std::string(errc_name(Errc::compile_locally)) == "compile-locally");
    CHECK(std::string(errc_name(Errc::not_found)) == "not-found");
}
