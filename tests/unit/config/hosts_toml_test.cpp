#include "config/hosts.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace ferry;
using namespace ferry::config;

namespace {

// The error message of a parse that must fail, with "file:line: key" checked.
std::string error_of(const std::string& text, const std::string& where) {
    auto config = parse_hosts_toml(text, "hosts.toml");
    REQUIRE_FALSE(config);
    CHECK(config.error().code == Errc::invalid);
    INFO(config.error().message);
    CHECK(config.error().message.find(where) != std::string::npos);
    return config.error().message;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("every key of hosts.toml is read") {
    auto config = parse_hosts_toml(R"(
[client]
local_slots = 3
connect_timeout_ms = 1500
job_timeout_ms = 60000
backoff_ms = 0
compression_level = 7
warn_on_fallback = false
speculate = false
local_when_idle = false
backups = false
queue_ahead = 3
build_nice = 11
idle_timeout_s = 42
key_file = "secret.key"

[[runner]]
address = "10.0.0.1"
port = 4000
slots = 6
name = "big"

[[runner]]
address = "[::1]"
)",
                                   "hosts.toml");
    REQUIRE(config);
    CHECK(config->local_slots == 3);
    CHECK(config->connect_timeout_ms == 1500);
    CHECK(config->job_timeout_ms == 60000);
    CHECK(config->backoff_ms == 0);
    CHECK(config->compression_level == 7);
    CHECK_FALSE(config->warn_on_fallback);
    CHECK_FALSE(config->speculate);
    CHECK_FALSE(config->local_when_idle);
    CHECK_FALSE(config->backups);
    CHECK(config->queue_ahead == 3);
    CHECK(config->build_nice == 11);
    CHECK(config->idle_timeout_s == 42);
    CHECK(config->key_file == "secret.key");
    REQUIRE(config->runners.size() == 2);
    CHECK(config->runners[0].host == "10.0.0.1");
    CHECK(config->runners[0].port == 4000);
    CHECK(config->runners[0].slots == 6);
    CHECK(config->runners[0].name == "big");
    CHECK(config->runners[1].host == "::1");
    CHECK(config->runners[1].port == kDefaultPort);
    CHECK(config->runners[1].slots == 0);
    CHECK(config->runners[1].name == "[::1]:3633");
    CHECK(config->source == "hosts.toml");
    CHECK(is_hash_hex(config->fingerprint));
}

TEST_CASE("an empty file is an empty cluster with the defaults") {
    auto config = parse_hosts_toml("# nothing yet\n", "hosts.toml");
    REQUIRE(config);
    Config defaults;
    CHECK(config->runners.empty());
    CHECK(config->local_slots == 0); // resolved to the CPU count by load(), not here
    CHECK(config->connect_timeout_ms == defaults.connect_timeout_ms);
    CHECK(config->job_timeout_ms == defaults.job_timeout_ms);
    CHECK(config->backoff_ms == defaults.backoff_ms);
    CHECK(config->compression_level == defaults.compression_level);
    CHECK(config->warn_on_fallback == defaults.warn_on_fallback);
    CHECK(config->speculate == defaults.speculate);
    CHECK(config->speculate);
    CHECK(config->local_when_idle);
    CHECK(config->backups);
    CHECK(config->queue_ahead == ferry::config::kMaxQueueAhead);
    CHECK(config->build_nice == 5);
    CHECK(config->idle_timeout_s == defaults.idle_timeout_s);
    CHECK(config->key_file.empty());
}

TEST_CASE("runners keep file order and accept inline tables") {
    auto config = parse_hosts_toml(
        R"(runner = [ { address = "b.example" }, { address = "A.Example", port = 1 } ])", "h");
    REQUIRE(config);
    REQUIRE(config->runners.size() == 2);
    CHECK(config->runners[0].name == "b.example:3633");
    CHECK(config->runners[1].host == "a.example");
    CHECK(config->runners[1].name == "a.example:1");
}

TEST_CASE("addresses: IPv4, IPv6 with and without brackets, names") {
    CHECK(canonical_host("127.0.0.2").value() == "127.0.0.2");
    CHECK(canonical_host("::1").value() == "::1");
    CHECK(canonical_host("[0:0:0:0:0:0:0:1]").value() == "::1");
    CHECK(canonical_host("fe80::1%eth0").value() == "fe80::1%eth0");
    CHECK(canonical_host("Build-01.LAN.").value() == "build-01.lan");
    CHECK(endpoint_string("::1", 3633) == "[::1]:3633");
    CHECK(endpoint_string("h", 1) == "h:1");
    for (const char* bad : {"", " ", "a b", "::g", "[::1", "[::1]:3633", "1.2.3", "256.1.1.1",
                            "host:3633", "-host", "a..b", "ho$t", "fe80::1%", "a\tb"}) {
        INFO(bad);
        auto host = canonical_host(bad);
        CHECK_FALSE(host);
        if (!host) CHECK(host.error().code == Errc::invalid);
    }
}

TEST_CASE("hosts.toml errors name the file, line and key") {
    SUBCASE("wrong type and range") {
        auto message = error_of("[[runner]]\naddress = \"a\"\nport = \"abc\"\n",
                                "hosts.toml:3: runner[0].port");
        CHECK(contains(message, "expected an integer from 1 to 65535, got \"abc\""));
        error_of("[[runner]]\naddress = \"a\"\nport = 65536\n", "hosts.toml:3: runner[0].port");
        error_of("[[runner]]\naddress = \"a\"\nport = 0\n", "hosts.toml:3: runner[0].port");
        error_of("[[runner]]\naddress = \"a\"\nport = 36.33\n", "hosts.toml:3: runner[0].port");
        error_of("[[runner]]\naddress = \"a\"\nslots = -1\n", "hosts.toml:3: runner[0].slots");
        error_of("[[runner]]\naddress = \"a\"\nslots = 1025\n", "hosts.toml:3: runner[0].slots");
        error_of("[[runner]]\naddress = 12\n", "hosts.toml:2: runner[0].address");
        error_of("[[runner]]\naddress = \"a\"\nname = 3\n", "hosts.toml:3: runner[0].name");
        error_of("[[runner]]\naddress = \"a\"\nname = \"\"\n", "hosts.toml:3: runner[0].name");
        error_of("[[runner]]\naddress = \"a\"\nname = \"a\\nb\"\n", "hosts.toml:3: runner[0].name");
        error_of("[client]\nlocal_slots = 1025\n", "hosts.toml:2: client.local_slots");
        error_of("[client]\nlocal_slots = \"4\"\n", "hosts.toml:2: client.local_slots");
        error_of("[client]\nconnect_timeout_ms = 0\n", "hosts.toml:2: client.connect_timeout_ms");
        error_of("[client]\njob_timeout_ms = 86400001\n", "hosts.toml:2: client.job_timeout_ms");
        error_of("[client]\nbackoff_ms = -5\n", "hosts.toml:2: client.backoff_ms");
        error_of("[client]\ncompression_level = 20\n", "hosts.toml:2: client.compression_level");
        error_of("[client]\nwarn_on_fallback = 1\n", "hosts.toml:2: client.warn_on_fallback");
        error_of("[client]\nspeculate = \"yes\"\n", "hosts.toml:2: client.speculate");
        error_of("[client]\nidle_timeout_s = 0\n", "hosts.toml:2: client.idle_timeout_s");
        error_of("[client]\nqueue_ahead = 9\n", "hosts.toml:2: client.queue_ahead");
        error_of("[client]\nqueue_ahead = -1\n", "hosts.toml:2: client.queue_ahead");
        error_of("[client]\nbuild_nice = 20\n", "hosts.toml:2: client.build_nice");
        error_of("[client]\nbuild_nice = -1\n", "hosts.toml:2: client.build_nice");
        error_of("[client]\nbuild_nice = true\n", "hosts.toml:2: client.build_nice");
        error_of("[client]\nkey_file = \"\"\n", "hosts.toml:2: client.key_file");
        error_of("[client]\nkey_file = false\n", "hosts.toml:2: client.key_file");
        error_of("\n\nclient = 3\n", "hosts.toml:3: client");
        error_of("[runner]\naddress = \"a\"\n", "hosts.toml:1: runner");
        error_of("runner = [ 1 ]\n", "hosts.toml:1: runner[0]");
    }
    SUBCASE("unknown keys, with a suggestion when close") {
        auto message =
            error_of("[[runner]]\naddress = \"a\"\nslot = 2\n", "hosts.toml:3: runner[0].slot");
        CHECK(contains(message, "unknown key; did you mean 'slots'?"));
        message = error_of("[client]\nlocal_slot = 2\n", "hosts.toml:2: client.local_slot");
        CHECK(contains(message, "did you mean 'local_slots'?"));
        message = error_of("[[runners]]\naddress = \"a\"\n", "hosts.toml:1: runners");
        CHECK(contains(message, "did you mean 'runner'?"));
        message = error_of("[client]\ncolour = \"red\"\n", "hosts.toml:2: client.colour");
        CHECK_FALSE(contains(message, "did you mean"));
    }
    SUBCASE("the first mistake in the file is the one reported") {
        // toml++ iterates keys alphabetically; "zzz" comes first in the file.
        error_of("[client]\nzzz = 1\naaa = 2\n", "hosts.toml:2: client.zzz");
    }
    SUBCASE("bad addresses") {
        error_of("[[runner]]\naddress = \"\"\n", "hosts.toml:2: runner[0].address");
        error_of("[[runner]]\naddress = \"a b\"\n", "hosts.toml:2: runner[0].address");
        error_of("[[runner]]\naddress = \"::1::2\"\n", "hosts.toml:2: runner[0].address");
        auto message = error_of("[[runner]]\naddress = \"127.0.0.2:3633\"\n",
                                "hosts.toml:2: runner[0].address");
        CHECK(contains(message, "port"));
    }
    SUBCASE("a runner without an address") {
        error_of("[[runner]]\naddress = \"a\"\n\n[[runner]]\nport = 1\n",
                 "hosts.toml:4: runner[1]: missing key 'address'");
    }
    SUBCASE("duplicate runners and names") {
        auto message = error_of("[[runner]]\naddress = \"::1\"\n[[runner]]\naddress = \"[::1]\"\n"
                                "port = 3633\n",
                                "hosts.toml:3: runner[1]");
        CHECK(contains(message, "[::1]:3633 is already runner[0] (line 1)"));
        message = error_of("[[runner]]\naddress = \"a\"\nname = \"x\"\n[[runner]]\naddress = "
                           "\"b\"\nname = \"x\"\n",
                           "hosts.toml:4: runner[1].name");
        CHECK(contains(message, "already the name of runner[0]"));
        // An explicit name may not take another runner's default name either.
        error_of("[[runner]]\naddress = \"a\"\nname = \"b:3633\"\n[[runner]]\naddress = \"b\"\n",
                 "hosts.toml:4: runner[1].name");
        // Same host, different ports: two runners.
        auto config = parse_hosts_toml(
            "[[runner]]\naddress = \"a\"\n[[runner]]\naddress = \"a\"\nport = 3634\n", "h");
        CHECK(config);
    }
    SUBCASE("TOML syntax errors carry toml++'s line and column") {
        auto message = error_of("[client]\nlocal_slots = 2\nbackoff_ms = [\n", "hosts.toml:3:");
        message = error_of("[client\n", "hosts.toml:1:");
        message = error_of("a = 1\na = 2\n", "hosts.toml:2:");
    }
}

TEST_CASE("hosts.toml.example parses and describes the README's two loopback runners") {
    std::string path = std::string(FERRY_SOURCE_DIR) + "/hosts.toml.example";
    auto text = read_file(path);
    REQUIRE(text);
    auto config = parse_hosts_toml(*text, path);
    if (!config) FAIL(config.error().message);
    CHECK(config->local_slots == 2);
    REQUIRE(config->runners.size() == 2);
    CHECK(config->runners[0].host == "127.0.0.2");
    CHECK(config->runners[0].port == 3633);
    CHECK(config->runners[0].slots == 2);
    CHECK(config->runners[1].host == "127.0.0.3");
    CHECK(config->runners[1].port == 3633);
    CHECK(config->runners[1].slots == 2);
    CHECK(config->key_file.empty()); // the example must work without a key file on disk
}

TEST_CASE("runner key_file") {
    auto config = parse_hosts_toml(R"([client]
key_file = "all.key"
[[runner]]
address = "a"
key_file = "a.key"
[[runner]]
address = "b"
)",
                                   "hosts.toml");
    REQUIRE(config);
    CHECK(config->runners.at(0).key_file == "a.key");
    CHECK(config->runners.at(1).key_file == "all.key"); // inherited
    error_of("[[runner]]\naddress = \"a\"\nkey_file = \"\"\n", "hosts.toml:3: runner[0].key_file");
    error_of("[[runner]]\naddress = \"a\"\nkey_file = 7\n", "hosts.toml:3: runner[0].key_file");
    auto typo = error_of("[[runner]]\naddress = \"a\"\nkeyfile = \"x\"\n", "runner[0].keyfile");
    CHECK(contains(typo, "did you mean 'key_file'"));
}

TEST_CASE("include_analysis: a top-level key, on by default") {
    auto plain = parse_hosts_toml("[client]\nlocal_slots = 2\n", "hosts.toml");
    REQUIRE(plain);
    CHECK(plain->include_analysis == IncludeAnalysis::on);

    auto shadow = parse_hosts_toml("include_analysis = \"shadow\"\n[client]\n", "hosts.toml");
    REQUIRE(shadow);
    CHECK(shadow->include_analysis == IncludeAnalysis::shadow);
    auto on = parse_hosts_toml("include_analysis = \"on\"\n", "hosts.toml");
    REQUIRE(on);
    CHECK(on->include_analysis == IncludeAnalysis::on);
    auto off = parse_hosts_toml("include_analysis = \"off\"\n", "hosts.toml");
    REQUIRE(off);
    CHECK(off->include_analysis == IncludeAnalysis::off);

    auto message =
        error_of("\n\ninclude_analysis = \"shadwo\"\n", "hosts.toml:3: include_analysis");
    CHECK(contains(message, "\"shadwo\""));
    CHECK(contains(message, "\"shadow\""));
    error_of("include_analysis = true\n", "hosts.toml:1: include_analysis");
    // Misspelt key: the schema is closed, and the suggestion names the real key.
    CHECK(contains(error_of("include_analysys = \"shadow\"\n", "hosts.toml:1: include_analysys"),
                   "did you mean 'include_analysis'"));
}
