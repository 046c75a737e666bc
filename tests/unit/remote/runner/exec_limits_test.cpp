#include "remote/runner/exec_limits.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

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

TEST_CASE("compilers start through ferryd-exec next to ferryd, else through ferryd") {
    auto dir = ferry::TempDir::create("/tmp", "ferry-exec-test");
    REQUIRE(dir);
    const std::string self = dir->path() + "/ferryd";
    CHECK(exec_helper_path(self) == "/proc/self/exe");
    REQUIRE(ferry::write_file(dir->path() + "/ferryd-exec", "", 0644));
    CHECK(exec_helper_path(self) == "/proc/self/exe"); // not executable: not used
    REQUIRE(::chmod((dir->path() + "/ferryd-exec").c_str(), 0755) == 0);
    CHECK(exec_helper_path(self) == dir->path() + "/ferryd-exec");
}
