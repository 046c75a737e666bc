#include "doctor/check_compilers.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::doctor;

namespace {

compiler::Identity local_gcc() {
    compiler::Identity id;
    id.path = "/usr/bin/gcc";
    id.name = "gcc";
    id.driver = "c";
    id.target = "x86_64-linux-gnu";
    id.version = "gcc (Debian 12.2.0-14) 12.2.0";
    id.id = std::string(32, 'a');
    return id;
}

proto::RunnerHello installed_only(std::vector<proto::CompilerInfo> compilers) {
    proto::RunnerHello hello;
    hello.runner_name = "r1";
    hello.slots = 2;
    hello.compilers = std::move(compilers);
    hello.runs_toolchains = false;
    return hello;
}

} // namespace

TEST_CASE("a runner that runs toolchains takes any compiler: it ships with the job") {
    proto::RunnerHello hello = installed_only({});
    hello.runs_toolchains = true;
    auto findings = compare_compiler(local_gcc(), "r1", "10.0.0.1", hello);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::ok);
    CHECK(findings[0].what.find("ships the compiler") != std::string::npos);
}

TEST_CASE("installed compilers only: the same identity is fine") {
    auto hello = installed_only(
        {{"gcc", "c", "x86_64-linux-gnu", "gcc (Debian 12.2.0-14) 12.2.0", std::string(32, 'a')}});
    auto findings = compare_compiler(local_gcc(), "r1", "10.0.0.1", hello);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::ok);
    CHECK(findings[0].what.find("same compiler") != std::string::npos);
}

TEST_CASE("installed compilers only: the same name with another version is mismatched") {
    auto hello = installed_only(
        {{"gcc", "c", "x86_64-linux-gnu", "gcc (Debian 13.2.0-1) 13.2.0", std::string(32, 'b')}});
    auto findings = compare_compiler(local_gcc(), "r1", "10.0.0.1", hello);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::problem);
    CHECK(findings[0].what.find("mismatched") == 0);
    CHECK(findings[0].what.find("13.2.0") != std::string::npos);
    CHECK(findings[0].fix ==
          "install the same version (gcc (Debian 12.2.0-14) 12.2.0) on 10.0.0.1 or run ferryd "
          "without --installed-compilers-only");
}

TEST_CASE("installed compilers only: the same id under another driver does not match") {
    auto hello =
        installed_only({{"gcc", "c++", "x86_64-linux-gnu", "gcc 12", std::string(32, 'a')}});
    auto findings = compare_compiler(local_gcc(), "r1", "10.0.0.1", hello);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::problem);
}

TEST_CASE("installed compilers only: a compiler the runner lacks is a warning") {
    auto hello =
        installed_only({{"clang", "c", "x86_64-pc-linux-gnu", "clang 14", std::string(32, 'c')}});
    auto findings = compare_compiler(local_gcc(), "r1", "10.0.0.1", hello);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::warning);
    CHECK(findings[0].what.find("does not offer gcc") != std::string::npos);
}

TEST_CASE("local compiler paths: found on PATH once each, --compiler added") {
    auto paths = local_compiler_paths("/nonexistent:/usr/bin:/usr/bin", {"/opt/none/gcc-99"});
    REQUIRE(!paths.empty());
    CHECK(paths.back() == "/opt/none/gcc-99");
    for (size_t i = 0; i + 1 < paths.size(); ++i)
        CHECK(paths[i].rfind("/usr/bin/", 0) == 0);
    auto probed = probe_local_compilers({"/opt/none/gcc-99"});
    CHECK(probed.identities.empty());
    REQUIRE(probed.failures.size() == 1);
    CHECK(probed.failures[0].severity == Severity::problem);
}
