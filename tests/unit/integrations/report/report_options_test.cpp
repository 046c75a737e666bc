#include "integrations/report/report_options.hpp"

#include <doctest/doctest.h>

using namespace ferry::integrations::report;
using V = std::vector<std::string>;

TEST_CASE("ferry's options come first and stop at the first other argument") {
    auto s = split_report_options({"--trace", "t.json", "--summary", "-j4", "-C", "dir", "all"});
    REQUIRE(s);
    CHECK(s->options.trace_path == "t.json");
    CHECK(s->options.summary == SummaryMode::always);
    CHECK_FALSE(s->options.quiet);
    CHECK(s->tool_args == V{"-j4", "-C", "dir", "all"});
}

TEST_CASE("make's own options are never taken, even ours after one of make's") {
    auto s = split_report_options({"-j4", "--trace", "--summary", "-C", "dir"});
    REQUIRE(s);
    CHECK(s->options.trace_path.empty());
    CHECK(s->options.summary == SummaryMode::automatic);
    CHECK(s->tool_args == V{"-j4", "--trace", "--summary", "-C", "dir"});
}

TEST_CASE("-- ends ferry's options and is dropped; make's --trace goes after it") {
    auto s = split_report_options({"--quiet", "--", "--trace", "-k"});
    REQUIRE(s);
    CHECK(s->options.quiet);
    CHECK(s->options.summary == SummaryMode::never);
    CHECK(s->tool_args == V{"--trace", "-k"});
    auto only_dashes = split_report_options({"--", "--", "x"});
    REQUIRE(only_dashes);
    CHECK(only_dashes->tool_args == V{"--", "x"});
}

TEST_CASE("--trace=FILE, and --quiet wins over --summary in any order") {
    auto s = split_report_options({"--trace=out/t.json", "--summary", "--quiet"});
    REQUIRE(s);
    CHECK(s->options.trace_path == "out/t.json");
    CHECK(s->options.summary == SummaryMode::never);
    auto r = split_report_options({"--quiet", "--summary"});
    REQUIRE(r);
    CHECK(r->options.summary == SummaryMode::never);
    CHECK(r->tool_args.empty());
}

TEST_CASE("--trace without its FILE is a clear error, not make's --trace") {
    auto s = split_report_options({"--trace"});
    REQUIRE_FALSE(s);
    CHECK(s.error().code == ferry::Errc::invalid);
    CHECK(s.error().message.find("ferry make -- --trace") != std::string::npos);
    CHECK_FALSE(split_report_options({"--trace="}));
    CHECK_FALSE(split_report_options({"--summary", "--trace="}));
}

TEST_CASE("no arguments, and arguments that only look like ours") {
    auto s = split_report_options({});
    REQUIRE(s);
    CHECK(s->tool_args.empty());
    auto t = split_report_options({"--tracefile", "x", "--summary=yes"});
    REQUIRE(t);
    CHECK(t->options.trace_path.empty());
    CHECK(t->tool_args == V{"--tracefile", "x", "--summary=yes"});
}
