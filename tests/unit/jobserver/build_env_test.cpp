#include "integrations/make/build_env.hpp"
#include "integrations/make/pool_session.hpp"

#include <doctest/doctest.h>

using namespace ferry::integrations;

TEST_CASE("parse_version reads make's and ninja's --version") {
    auto make = parse_version("GNU Make 4.3\nBuilt for x86_64-pc-linux-gnu\n");
    REQUIRE(make);
    CHECK(make->first == 4);
    CHECK(make->second == 3);
    auto ninja = parse_version("1.13.0.git\n");
    REQUIRE(ninja);
    CHECK(*ninja == std::pair{1, 13});
    CHECK(*parse_version("1.11.1") < std::pair{1, 13});
    CHECK_FALSE(parse_version("no digits here"));
    // A digit inside a word is not a version.
    CHECK(*parse_version("x86 tool 2.40") == std::pair{2, 40});
}

TEST_CASE("has_jobs_option sees every spelling of -j") {
    CHECK(has_jobs_option({"-j"}));
    CHECK(has_jobs_option({"-j8", "all"}));
    CHECK(has_jobs_option({"-C", "dir", "-j", "4"}));
    CHECK(has_jobs_option({"--jobs=3"}));
    CHECK(has_jobs_option({"-kj"}));
    CHECK_FALSE(has_jobs_option({"-C", "jdir", "all"}));
    CHECK_FALSE(has_jobs_option({"-Ijdir"}));
    CHECK_FALSE(has_jobs_option({"CFLAGS=-j"}));
    CHECK_FALSE(has_jobs_option({"--", "-j"}));
}

TEST_CASE("make_jobserver_style: make's version, unless the user named a style") {
    using ferry::jobserver::ChildStyle;
    const auto make43 = std::optional(std::pair{4, 3});
    const auto make44 = std::optional(std::pair{4, 4});
    CHECK(make_jobserver_style({"all"}, make44) == ChildStyle::fifo);
    CHECK(make_jobserver_style({"all"}, make43) == ChildStyle::pipe);
    CHECK(make_jobserver_style({"all"}, std::nullopt) == ChildStyle::pipe);
    // make 4.4's --jobserver-style only shapes a pool make creates; under ferry the pool is
    // ferry's, so it is ferry that must honour it (make 4.4.1 as a client takes any auth).
    CHECK(make_jobserver_style({"--jobserver-style=pipe", "all"}, make44) == ChildStyle::pipe);
    CHECK(make_jobserver_style({"--jobserver-style", "pipe"}, make44) == ChildStyle::pipe);
    CHECK(make_jobserver_style({"--jobserver-style=fifo"}, make44) == ChildStyle::fifo);
    CHECK(make_jobserver_style({"--jobserver-style=pipe", "--jobserver-style=fifo"}, make44) ==
          ChildStyle::fifo);
    CHECK(make_jobserver_style({"--jobserver-style=sem"}, make44) == ChildStyle::fifo);
    CHECK(make_jobserver_style({"--", "--jobserver-style=pipe"}, make44) == ChildStyle::fifo);
    CHECK(make_jobserver_style({"X=--jobserver-style=pipe"}, make44) == ChildStyle::fifo);
    CHECK_FALSE(has_jobs_option({"--jobserver-style=pipe"}));
}

TEST_CASE("set_wrapper_compilers leaves the user's choice alone") {
    std::vector<std::string> env = {"PATH=/bin"};
    auto set = set_wrapper_compilers(env, {"all"});
    CHECK(set.size() == 2);
    const std::string cc = env_get(env, "CC");
    CHECK(cc == self_path() + " cc");
    CHECK(env_get(env, "CXX") == self_path() + " c++");

    std::vector<std::string> user_env = {"CC=clang"};
    set = set_wrapper_compilers(user_env, {"CXX=g++-12"});
    CHECK(set.empty());
    CHECK(env_get(user_env, "CC") == "clang");
    CHECK_FALSE(env_has(user_env, "CXX"));
}

TEST_CASE("env helpers replace whole keys only") {
    std::vector<std::string> env = {"MAKEFLAGS=x", "MAKEFLAGS_OTHER=y"};
    env_set(env, "MAKEFLAGS", "z");
    CHECK(env_get(env, "MAKEFLAGS") == "z");
    CHECK(env_get(env, "MAKEFLAGS_OTHER") == "y");
    env_unset(env, "MAKEFLAGS");
    CHECK_FALSE(env_has(env, "MAKEFLAGS"));
    CHECK(env_has(env, "MAKEFLAGS_OTHER"));
}
