#include "doctor/check_coordinator.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::doctor;

TEST_CASE("no coordinator running is information, not a problem") {
    auto findings = coordinator_findings(std::nullopt);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::info);
    CHECK(exit_status(findings) == 0);
}

TEST_CASE("a runner in backoff is a problem with its last error; local reasons are counted") {
    proto::IpcStatus status;
    status.pid = 42;
    proto::RunnerStatus up;
    up.name = "a";
    up.state = "up";
    proto::RunnerStatus off;
    off.name = "b";
    off.address = "127.0.0.3:3633";
    off.state = "backoff";
    off.failures = 3;
    off.last_error = "connect: connection refused";
    off.backoff_ms = 2500;
    status.runners = {up, off};
    status.local_reasons = {{"-fprofile-generate", 4}};
    auto findings = coordinator_findings(status);
    REQUIRE(findings.size() == 3);
    CHECK(findings[0].severity == Severity::ok);
    CHECK(findings[1].subject == "b");
    CHECK(findings[1].severity == Severity::problem);
    CHECK(findings[1].what ==
          "backoff in the coordinator (3 failure(s)): connect: connection refused; next try in "
          "2.5 s");
    CHECK(findings[2].what == "4 compile(s) ran locally because -fprofile-generate");
    CHECK(exit_status(findings) == 1);
}
