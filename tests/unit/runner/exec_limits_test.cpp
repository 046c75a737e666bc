#include "remote/runner/exec_limits.hpp"

#include <doctest/doctest.h>

using namespace ferry::runner;

TEST_CASE("the trampoline's arguments round-trip") {
    ResourceLimits limits{30, 1 << 30, 1 << 20};
    auto argv = trampoline_argv(limits, "/usr/bin/gcc", {"gcc", "-c", "--", "a.c"});
    std::vector<char*> raw;
    for (auto& a : argv)
        raw.push_back(a.data());
    auto call = parse_trampoline(static_cast<int>(raw.size()), raw.data());
    REQUIRE(call);
    CHECK(call->limits.cpu_seconds == 30);
    CHECK(call->limits.address_space == uint64_t(1) << 30);
    CHECK(call->limits.file_size == uint64_t(1) << 20);
    CHECK(call->program == "/usr/bin/gcc");
    CHECK(call->argv == std::vector<std::string>{"gcc", "-c", "--", "a.c"});
}

TEST_CASE("a malformed trampoline call is rejected") {
    std::vector<std::string> args = {"ferryd", kExecWithLimits, "x",  "1",
                                     "1",      "/bin/cc",       "--", "cc"};
    std::vector<char*> raw;
    for (auto& a : args)
        raw.push_back(a.data());
    CHECK_FALSE(parse_trampoline(static_cast<int>(raw.size()), raw.data()));
    args[2] = "1";
    args[5] = "cc"; // not absolute: never searched on PATH
    raw.clear();
    for (auto& a : args)
        raw.push_back(a.data());
    CHECK_FALSE(parse_trampoline(static_cast<int>(raw.size()), raw.data()));
}
