#include "remote/runner/options.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace ferry;
using namespace ferry::runner;

static ParsedOptions parse(std::vector<std::string> args) {
    args.insert(args.begin(), "ferryd");
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST_CASE("listen addresses") {
    auto v4 = parse_listen_address("127.0.0.2:4000");
    REQUIRE(v4);
    CHECK(v4->text == "127.0.0.2:4000");
    auto v6 = parse_listen_address("[::1]:3633");
    REQUIRE(v6);
    CHECK(v6->text == "[::1]:3633");
    auto bare = parse_listen_address("127.0.0.3");
    REQUIRE(bare);
    CHECK(bare->text == "127.0.0.3:3633");
    CHECK_FALSE(parse_listen_address("localhost:3633"));
    CHECK_FALSE(parse_listen_address("127.0.0.1:0"));
    CHECK_FALSE(parse_listen_address("127.0.0.1:70000"));
    CHECK_FALSE(parse_listen_address("[::1:3633"));
}

TEST_CASE("defaults: loopback only") {
    auto p = parse({});
    REQUIRE(p.options);
    CHECK(p.options->listen.at(0).text == "127.0.0.1:3633");
    CHECK(p.options->allow.size() == 2);
    CHECK_FALSE(p.options->allow_given);
    CHECK(p.options->jobs >= 1);
    CHECK(p.options->limits.cpu_seconds == 300);
    CHECK(p.options->max_queue >= 16);
    CHECK(p.options->reuse_installed);
    auto off = parse({"--no-reuse-installed"});
    REQUIRE(off.options);
    CHECK_FALSE(off.options->reuse_installed);
}

TEST_CASE("a non-loopback address needs an explicit --allow") {
    auto refused = parse({"--listen", "0.0.0.0:3633"});
    CHECK_FALSE(refused.options);
    CHECK(refused.exit_code == 2);
    auto allowed = parse({"--listen", "0.0.0.0:3633", "--allow", "10.0.0.0/8"});
    REQUIRE(allowed.options);
    CHECK(allowed.options->allow.size() == 1);
}

TEST_CASE("option errors exit 2") {
    CHECK(parse({"--jobs", "zero"}).exit_code == 2);
    CHECK(parse({"--jobs", "0"}).exit_code == 2);
    CHECK(parse({"--allow", "nonsense"}).exit_code == 2);
    CHECK(parse({"--no-such-option"}).exit_code == 2);
    CHECK(parse({"--listen", "1.2.3.4:99999", "--allow", "1.0.0.0/8"}).exit_code == 2);
}

TEST_CASE("limits and sizes are converted") {
    auto p = parse({"--job-timeout", "20", "--limit-memory", "100", "--cache-size", "3",
                    "--log-file", "rel.log"});
    REQUIRE(p.options);
    CHECK(p.options->limits.cpu_seconds == 20);
    CHECK(p.options->limits.address_space == uint64_t(100) << 20);
    CHECK(p.options->cache_size_bytes == uint64_t(3) << 20);
    CHECK(p.options->log_file.front() == '/');
    auto cpu = parse({"--limit-cpu", "0"});
    REQUIRE(cpu.options);
    CHECK(cpu.options->limits.cpu_seconds == 0);
}

TEST_CASE("a non-loopback IPv6 address needs --allow too; IPv6 ranges are accepted") {
    CHECK_FALSE(parse({"--listen", "[::]:3633"}).options);
    CHECK_FALSE(parse({"--listen", "127.0.0.1:3633", "--listen", "[fd00::1]:3633"}).options);
    CHECK(parse({"--listen", "[::1]:3633"}).options);
    auto v6 = parse({"--listen", "[::]:3633", "--allow", "fd00::/8", "--allow", "10.0.0.0/8"});
    REQUIRE(v6.options);
    CHECK(v6.options->allow.size() == 2);
    CHECK(v6.options->allow_given);
}

TEST_CASE("--key-file is made absolute") {
    auto p = parse({"--key-file", "ferry.key"});
    REQUIRE(p.options);
    REQUIRE_FALSE(p.options->key_file.empty());
    CHECK(p.options->key_file.front() == '/');
    CHECK(p.options->key_file.ends_with("/ferry.key"));
    auto none = parse({});
    REQUIRE(none.options);
    CHECK(none.options->key_file.empty());
}

TEST_CASE("--metrics: off by default; a bare port is on loopback") {
    auto none = parse({});
    REQUIRE(none.options);
    CHECK_FALSE(none.options->metrics);

    auto bare = parse({"--metrics", "9100"});
    REQUIRE(bare.options);
    REQUIRE(bare.options->metrics);
    CHECK(bare.options->metrics->text == "127.0.0.1:9100");

    auto v4 = parse_metrics_address("127.0.0.2:9100");
    REQUIRE(v4);
    CHECK(v4->text == "127.0.0.2:9100");
    auto v6 = parse_metrics_address("[::1]:9100");
    REQUIRE(v6);
    CHECK(v6->text == "[::1]:9100");
}

TEST_CASE("--metrics: bad values are errors") {
    for (const char* bad : {"0", "65536", "99999999999", "", "abc", "127.0.0.1", "127.0.0.1:",
                            "127.0.0.1:0", "localhost:9100", "::1", "[::1]", "[::1]:x", "9100x"})
        CHECK_MESSAGE(!parse_metrics_address(bad), bad);
    CHECK(parse({"--metrics", "0"}).exit_code == 2);
    CHECK(parse({"--metrics", ""}).exit_code == 2);
    CHECK(parse({"--metrics", "127.0.0.1"}).exit_code == 2);
}

TEST_CASE("--metrics: a non-loopback address needs --allow, like --listen") {
    auto refused = parse({"--metrics", "0.0.0.0:9100"});
    CHECK_FALSE(refused.options);
    CHECK(refused.exit_code == 2);
    Options o;
    o.listen.push_back(*parse_listen_address("127.0.0.1:3633"));
    o.metrics = *parse_metrics_address("0.0.0.0:9100");
    auto invalid = validate_options(o);
    REQUIRE_FALSE(invalid);
    CHECK(invalid.error().message.find("--allow") != std::string::npos);
    CHECK(parse({"--metrics", "[::]:9100"}).exit_code == 2);

    auto allowed = parse({"--metrics", "0.0.0.0:9100", "--allow", "10.0.0.0/8"});
    REQUIRE(allowed.options);
    CHECK(allowed.options->metrics->text == "0.0.0.0:9100");
    // A loopback address other than 127.0.0.1 is still loopback.
    CHECK(parse({"--metrics", "127.0.0.5:9100"}).options);
}

TEST_CASE("--metrics may not share the job port") {
    CHECK(parse({"--listen", "127.0.0.1:9100", "--metrics", "9100"}).exit_code == 2);
    CHECK(parse({"--listen", "127.0.0.1:9100", "--metrics", "9101"}).options);
}
