#include "client/invocation.hpp"

#include <doctest/doctest.h>

using ferry::client::Invocation;
using ferry::client::parse_invocation;
using Args = std::vector<std::string>;

TEST_CASE("ferry COMPILER ARGS: the compiler's arguments are untouched") {
    auto inv = parse_invocation({"ferry", "gcc", "-c", "foo.c", "-o", "foo.o", "--help"});
    CHECK(inv.kind == Invocation::Kind::compiler);
    CHECK_FALSE(inv.masquerade);
    CHECK(inv.compiler == "gcc");
    CHECK(inv.args == Args{"-c", "foo.c", "-o", "foo.o", "--help"});
    CHECK(inv.hosts_flag.empty());
    CHECK_FALSE(ferry::client::names_a_path(inv.compiler));
}

TEST_CASE("argv[0] named after the compiler is the masquerade form") {
    auto inv = parse_invocation({"/opt/ferry/bin/clang++-14", "--version"});
    CHECK(inv.kind == Invocation::Kind::compiler);
    CHECK(inv.masquerade);
    CHECK(inv.compiler == "clang++-14");
    CHECK(inv.args == Args{"--version"});

    // `make` through a symlink is still a compiler call named make, never our subcommand.
    auto cc = parse_invocation({"cc", "--hosts", "x", "status"});
    CHECK(cc.kind == Invocation::Kind::compiler);
    CHECK(cc.compiler == "cc");
    CHECK(cc.args == Args{"--hosts", "x", "status"});
    CHECK(cc.hosts_flag.empty());
}

TEST_CASE("a path to ferry is not a masquerade") {
    auto inv = parse_invocation({"./build/programs/ferry/ferry", "g++", "-c", "a.cc"});
    CHECK_FALSE(inv.masquerade);
    CHECK(inv.compiler == "g++");
}

TEST_CASE("CMake's launcher passes the compiler's full path") {
    auto inv = parse_invocation({"/usr/bin/ferry", "/usr/bin/cc", "-DX", "-c", "x.c"});
    CHECK(inv.kind == Invocation::Kind::compiler);
    CHECK(inv.compiler == "/usr/bin/cc");
    CHECK(ferry::client::names_a_path(inv.compiler));
    CHECK(inv.args == Args{"-DX", "-c", "x.c"});
}

TEST_CASE("--hosts before the compiler or the subcommand") {
    auto a = parse_invocation({"ferry", "--hosts", "h.toml", "gcc", "-c", "x.c"});
    CHECK(a.kind == Invocation::Kind::compiler);
    CHECK(a.hosts_flag == "h.toml");
    CHECK(a.compiler == "gcc");
    CHECK(a.args == Args{"-c", "x.c"});

    auto b = parse_invocation({"ferry", "--hosts=other.toml", "make", "-j4", "--", "all"});
    CHECK(b.kind == Invocation::Kind::subcommand);
    CHECK(b.subcommand == "make");
    CHECK(b.hosts_flag == "other.toml");
    CHECK(b.args == Args{"-j4", "--", "all"});
}

TEST_CASE("ferry's own options and subcommands") {
    CHECK(parse_invocation({"ferry"}).kind == Invocation::Kind::options);
    CHECK(parse_invocation({"ferry", "--version"}).kind == Invocation::Kind::options);
    auto run = parse_invocation({"ferry", "run", "--", "sh", "-c", "true"});
    CHECK(run.kind == Invocation::Kind::subcommand);
    CHECK(run.subcommand == "run");
    CHECK(run.args == Args{"--", "sh", "-c", "true"});
    for (const char* name :
         {"make", "run", "ninja", "status", "shutdown", "coordinator", "mon", "doctor"})
        CHECK(parse_invocation({"ferry", name}).kind == Invocation::Kind::subcommand);
    CHECK_FALSE(ferry::client::is_subcommand_name("gcc"));
}
