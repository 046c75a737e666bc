#include "config/hosts.hpp"
#include "doctor/check_config.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <string>
#include <sys/stat.h>

using namespace ferry;
using namespace ferry::doctor;

namespace {

struct Dir {
    TempDir dir = TempDir::create("/tmp", "ferry-doctor-test-").value();
    std::string path(const std::string& name) const { return dir.path() + "/" + name; }

    Result<config::Config> load(const std::string& toml) const {
        REQUIRE(write_file(path("hosts.toml"), toml));
        config::LoadOptions options;
        options.hosts_flag = path("hosts.toml");
        return config::load(options);
    }
    void key(const std::string& name, mode_t mode) const {
        REQUIRE(write_file(path(name), std::string(64, 'a') + "\n"));
        REQUIRE(::chmod(path(name).c_str(), mode) == 0);
    }
};

size_t count(const std::vector<Finding>& findings, Severity severity) {
    size_t n = 0;
    for (const auto& f : findings)
        n += f.severity == severity;
    return n;
}

const Finding* find_subject(const std::vector<Finding>& findings, const std::string& needle) {
    for (const auto& f : findings)
        if (f.subject.find(needle) != std::string::npos) return &f;
    return nullptr;
}

} // namespace

TEST_CASE("a malformed hosts.toml: the loader's message and 'edit FILE line N'") {
    Dir d;
    auto loaded =
        d.load("[client]\nlocal_slots = 4\n[[runner]]\naddress = \"10.0.0.1\"\nprot = 1\n");
    REQUIRE(!loaded);
    auto findings = check_config(loaded);
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::problem);
    CHECK(findings[0].what.find("prot") != std::string::npos);
    CHECK(findings[0].fix == "edit " + d.path("hosts.toml") + " line 5");

    auto syntax = d.load("[client]\nlocal_slots = 4\n\n[[runner]\n");
    REQUIRE(!syntax);
    auto f2 = check_config(syntax);
    REQUIRE(f2.size() == 1);
    CHECK(f2[0].fix == "edit " + d.path("hosts.toml") + " line 4");
}

TEST_CASE("no runners: a warning, not a problem") {
    Dir d;
    auto findings = check_config(d.load("[client]\nlocal_slots = 2\n"));
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::warning);
    CHECK(findings[0].fix.find("every job compiles locally; add [[runner]] entries") == 0);
    CHECK(exit_status(findings) == 0);
}

TEST_CASE("key files: missing, too open, not a key, good") {
    Dir d;
    d.key("open.key", 0644);
    d.key("good.key", 0600);
    REQUIRE(write_file(d.path("bad.key"), "not a key\n"));
    REQUIRE(::chmod(d.path("bad.key").c_str(), 0600) == 0);
    auto findings = check_config(d.load(
        "[[runner]]\naddress = \"10.0.0.1\"\nkey_file = \"" + d.path("missing.key") +
        "\"\n[[runner]]\naddress = \"10.0.0.2\"\nkey_file = \"" + d.path("open.key") +
        "\"\n[[runner]]\naddress = \"10.0.0.3\"\nkey_file = \"" + d.path("bad.key") +
        "\"\n[[runner]]\naddress = \"10.0.0.4\"\nkey_file = \"" + d.path("good.key") + "\"\n"));
    CHECK(count(findings, Severity::problem) == 3);
    const Finding* missing = find_subject(findings, "missing.key");
    REQUIRE(missing);
    CHECK(missing->severity == Severity::problem);
    CHECK(missing->what.find("No such file") != std::string::npos);
    CHECK(missing->fix.find("copy the key file") == 0);
    const Finding* open = find_subject(findings, "open.key");
    REQUIRE(open);
    CHECK(open->what.find("mode 0644") != std::string::npos);
    CHECK(open->fix == "chmod 600 " + d.path("open.key"));
    const Finding* bad = find_subject(findings, "bad.key");
    REQUIRE(bad);
    CHECK(bad->severity == Severity::problem);
    const Finding* good = find_subject(findings, "good.key");
    REQUIRE(good);
    CHECK(good->severity == Severity::ok);
}

TEST_CASE("the same address twice is a problem, in hosts.toml (at its line) or $FERRY_HOSTS") {
    Dir d;
    auto findings = check_config(d.load("[[runner]]\nname = \"a\"\naddress = \"10.0.0.1\"\n"
                                        "[[runner]]\nname = \"b\"\naddress = \"10.0.0.1\"\n"
                                        "port = 3633\n"));
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == Severity::problem);
    CHECK(findings[0].fix == "edit " + d.path("hosts.toml") + " line 4");

    auto distcc = check_config(config::parse_distcc_hosts("10.0.0.1 10.0.0.1:3633/4"));
    REQUIRE(distcc.size() == 1);
    CHECK(distcc[0].severity == Severity::problem);
    CHECK(distcc[0].what.find("10.0.0.1:3633 is already given") != std::string::npos);
}
