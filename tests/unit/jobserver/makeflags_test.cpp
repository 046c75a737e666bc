#include "jobserver/makeflags.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::jobserver;

TEST_CASE("parse_makeflags: no jobserver") {
    auto a = parse_makeflags("");
    REQUIRE(a);
    CHECK(a->style == Style::none);
    a = parse_makeflags(" -k -j4");
    REQUIRE(a);
    CHECK(a->style == Style::none);
    REQUIRE(a->jobs);
    CHECK(*a->jobs == 4);
}

TEST_CASE("parse_makeflags: make 4.3 pipe auth") {
    auto a = parse_makeflags(" -j3 --jobserver-auth=3,4");
    REQUIRE(a);
    CHECK(a->style == Style::pipe);
    CHECK(a->read_fd == 3);
    CHECK(a->write_fd == 4);
    CHECK_FALSE(a->dry_run);
    CHECK(a->auth_value() == "3,4");
}

TEST_CASE("parse_makeflags: fifo auth and the legacy option, last one wins") {
    auto a = parse_makeflags("-j --jobserver-auth=fifo:/tmp/x/fifo");
    REQUIRE(a);
    CHECK(a->style == Style::fifo);
    CHECK(a->fifo_path == "/tmp/x/fifo");
    CHECK(a->auth_value() == "fifo:/tmp/x/fifo");

    // make 4.3 reads this as the pipe: the fds come last.
    a = parse_makeflags(" -j8 --jobserver-auth=fifo:/p --jobserver-fds=5,6");
    REQUIRE(a);
    CHECK(a->style == Style::pipe);
    CHECK(a->read_fd == 5);
    CHECK(a->write_fd == 6);

    a = parse_makeflags(" -j8 --jobserver-fds=5,6 --jobserver-auth=fifo:/p");
    REQUIRE(a);
    CHECK(a->style == Style::fifo);
    CHECK(a->fifo_path == "/p");
}

TEST_CASE("parse_makeflags: dry run, negative fds, garbage") {
    auto a = parse_makeflags("kn -j3 --jobserver-auth=3,4");
    REQUIRE(a);
    CHECK(a->dry_run);
    // The letter word only: an "n" inside an option is not the dry-run flag.
    a = parse_makeflags(" -j3 --jobserver-auth=fifo:/run/n");
    REQUIRE(a);
    CHECK_FALSE(a->dry_run);

    a = parse_makeflags(" --jobserver-auth=-1,-1");
    REQUIRE(a);
    CHECK(a->style == Style::none);

    CHECK_FALSE(parse_makeflags(" --jobserver-fds=fifo:/x"));
    CHECK_FALSE(parse_makeflags(" --jobserver-fds=3"));
    auto bad = parse_makeflags(" --jobserver-auth=sem_name");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == Errc::invalid);
    // Assignments after "--" are variables, not options.
    a = parse_makeflags(" -j2 -- X=--jobserver-auth=3,4");
    REQUIRE(a);
    CHECK(a->style == Style::none);
}

TEST_CASE("strip_jobserver keeps the user's flags") {
    CHECK(strip_jobserver("ks -j3 --jobserver-auth=3,4") == "ks");
    CHECK(strip_jobserver(" -j --jobserver-fds=3,4 --jobserver-auth=3,4 --no-print-directory") ==
          " --no-print-directory");
    CHECK(strip_jobserver(" -j2 -- CC=gcc") == " -- CC=gcc");
}

TEST_CASE("compose_makeflags: per child style") {
    auto pipe = compose_makeflags("ks -j3 --jobserver-auth=7,8", ChildStyle::pipe, 6, 3, 4, "");
    CHECK(pipe == "ks -j6 --jobserver-fds=3,4 --jobserver-auth=3,4");
    auto a = parse_makeflags(pipe);
    REQUIRE(a);
    CHECK(a->style == Style::pipe);
    CHECK(a->read_fd == 3);
    CHECK(a->dry_run == false);

    auto fifo = compose_makeflags("", ChildStyle::fifo, 9, -1, -1, "/run/f");
    CHECK(fifo == " -j9 --jobserver-auth=fifo:/run/f");
    a = parse_makeflags(fifo);
    REQUIRE(a);
    CHECK(a->style == Style::fifo);
    CHECK(*a->jobs == 9);

    // Options and variables survive in make's order.
    auto mixed =
        compose_makeflags(" -j2 --no-print-directory -- CC=cc", ChildStyle::pipe, 3, 3, 4, "");
    CHECK(mixed == " -j3 --jobserver-fds=3,4 --jobserver-auth=3,4 --no-print-directory -- CC=cc");
}
