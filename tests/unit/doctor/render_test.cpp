#include "doctor/finding.hpp"
#include "doctor/render.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace ferry::doctor;

namespace {

Finding make(Section section, Severity severity, std::string subject, std::string what,
             std::string fix = {}) {
    return Finding{section, severity, std::move(subject), std::move(what), std::move(fix)};
}

} // namespace

TEST_CASE("exit status: 0 with only ok, info and warnings; 1 with any problem") {
    std::vector<Finding> findings{make(Section::configuration, Severity::ok, "a", "fine")};
    CHECK(exit_status(findings) == 0);
    CHECK(exit_status({}) == 0);
    findings.push_back(make(Section::coordinator, Severity::info, "c", "not running"));
    findings.push_back(make(Section::configuration, Severity::warning, "b", "no runners", "add"));
    CHECK(exit_status(findings) == 0);
    findings.push_back(make(Section::runners, Severity::problem, "r", "unreachable", "start"));
    CHECK(exit_status(findings) == 1);
    Tally t = tally(findings);
    CHECK(t.problems == 1);
    CHECK(t.warnings == 1);
}

TEST_CASE("text: grouped by section in report order, fix indented under its finding") {
    std::vector<Finding> findings{
        make(Section::coordinator, Severity::info, "coordinator", "not running"),
        make(Section::runners, Severity::problem, "r1", "unreachable: refused", "start ferryd"),
        make(Section::configuration, Severity::ok, "hosts.toml", "2 runner(s)"),
        make(Section::runners, Severity::ok, "r2", "serves 2 slot(s)"),
    };
    std::string text = render_text(findings, false);
    CHECK(text == "configuration:\n"
                  "  ok      hosts.toml: 2 runner(s)\n"
                  "runners:\n"
                  "  problem r1: unreachable: refused\n"
                  "      fix: start ferryd\n"
                  "  ok      r2: serves 2 slot(s)\n"
                  "coordinator:\n"
                  "  info    coordinator: not running\n"
                  "1 problem(s), 0 warning(s)\n");
}

TEST_CASE("text: all well only without problems and warnings; unicode markers on a terminal") {
    std::vector<Finding> findings{make(Section::runners, Severity::ok, "r", "fine")};
    CHECK(render_text(findings, false) == "runners:\n  ok      r: fine\nall well\n");
    CHECK(render_text(findings, true) == "runners:\n  ✓ r: fine\nall well\n");
    findings.push_back(make(Section::configuration, Severity::warning, "h", "no runners", "add"));
    std::string text = render_text(findings, true);
    CHECK(text.find("  ! h: no runners\n      fix: add\n") != std::string::npos);
    CHECK(text.find("0 problem(s), 1 warning(s)\n") != std::string::npos);
    CHECK(text.find("all well") == std::string::npos);
}

TEST_CASE("json: every finding, the counts and the exit status; hostile bytes do not throw") {
    std::vector<Finding> findings{
        make(Section::runners, Severity::problem, "r", "sent \xff\xfe garbage", "check it")};
    std::string json;
    CHECK_NOTHROW(json = render_json(findings));
    CHECK(json.find("\"severity\": \"problem\"") != std::string::npos);
    CHECK(json.find("\"section\": \"runners\"") != std::string::npos);
    CHECK(json.find("\"exit_status\": 1") != std::string::npos);
    CHECK(json.find("\"problems\": 1") != std::string::npos);
    CHECK(json.find("\"fix\": \"check it\"") != std::string::npos);
}
