#include "config/hosts.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/temp_dir.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <initializer_list>
#include <optional>
#include <string>
#include <unistd.h>
#include <utility>

using namespace ferry;
using namespace ferry::config;

namespace {

std::string runner_file(const std::string& address) {
    return "[[runner]]\naddress = \"" + address + "\"\n";
}

// A home, a system file and two named files, each naming a different runner, so which one
// was loaded shows in the result.
struct Fixture {
    TempDir dir = TempDir::create("/tmp", "ferry-config-test-").value();
    std::string home = dir.path() + "/home";
    std::string user_file = home + "/.config/ferry/hosts.toml";
    std::string system_file = dir.path() + "/etc/hosts.toml";
    std::string flag_file = dir.path() + "/flag.toml";
    std::string env_file = dir.path() + "/env.toml";

    Fixture() {
        REQUIRE(make_dirs(home + "/.config/ferry"));
        REQUIRE(make_dirs(dir.path() + "/etc"));
        REQUIRE(write_file(user_file, runner_file("user")));
        REQUIRE(write_file(system_file, runner_file("system")));
        REQUIRE(write_file(flag_file, runner_file("flag")));
        REQUIRE(write_file(env_file, runner_file("envfile")));
    }

    LoadOptions all() const {
        LoadOptions options;
        options.hosts_flag = flag_file;
        options.ferry_hosts = "fromenv";
        options.hosts_file = env_file;
        options.home = home;
        options.system_file = system_file;
        return options;
    }
};

std::string first_host(const LoadOptions& options) {
    auto config = load(options);
    if (!config) FAIL(config.error().message);
    if (config->runners.empty()) return "";
    return config->runners[0].host;
}

} // namespace

TEST_CASE("load order: --hosts, FERRY_HOSTS, FERRY_HOSTS_FILE, user file, system file") {
    Fixture f;
    LoadOptions options = f.all();
    CHECK(first_host(options) == "flag");
    options.hosts_flag.clear();
    CHECK(first_host(options) == "fromenv");
    options.ferry_hosts.reset();
    CHECK(first_host(options) == "envfile");
    options.hosts_file.reset();
    CHECK(first_host(options) == "user");
    options.home.clear();
    CHECK(first_host(options) == "system");
    options.system_file = f.dir.path() + "/nowhere.toml";
    auto config = load(options);
    REQUIRE(config);
    CHECK(config->runners.empty());
    CHECK(config->source == "(none)");
    CHECK(is_hash_hex(config->fingerprint));
}

TEST_CASE("implicit files are skipped when missing; named ones are errors") {
    Fixture f;
    LoadOptions options;
    options.home = f.dir.path() + "/nohome";
    options.system_file = f.system_file;
    CHECK(first_host(options) == "system");

    options.hosts_flag = f.dir.path() + "/missing.toml";
    auto config = load(options);
    REQUIRE_FALSE(config);
    CHECK(config.error().code == Errc::not_found);
    CHECK(config.error().message.find("--hosts") != std::string::npos);
    CHECK(config.error().message.find("missing.toml") != std::string::npos);

    options.hosts_flag.clear();
    options.hosts_file = f.dir.path() + "/missing-too.toml";
    config = load(options);
    REQUIRE_FALSE(config);
    CHECK(config.error().message.find("FERRY_HOSTS_FILE") != std::string::npos);

    options.hosts_file = "";
    config = load(options);
    REQUIRE_FALSE(config);
    CHECK(config.error().message.find("FERRY_HOSTS_FILE") != std::string::npos);
}

TEST_CASE("an implicit file that exists but is broken is an error, not skipped") {
    Fixture f;
    REQUIRE(write_file(f.user_file, "[[runner]]\nadress = \"a\"\n"));
    LoadOptions options;
    options.home = f.home;
    options.system_file = f.system_file;
    auto config = load(options);
    REQUIRE_FALSE(config);
    CHECK(config.error().message.find(f.user_file + ":2: runner[0].adress") != std::string::npos);
}

TEST_CASE("an empty FERRY_HOSTS wins over the files: no runners") {
    Fixture f;
    LoadOptions options = f.all();
    options.hosts_flag.clear();
    options.ferry_hosts = "";
    auto config = load(options);
    REQUIRE(config);
    CHECK(config->runners.empty());
    CHECK(config->source == "$FERRY_HOSTS");
}

TEST_CASE("load resolves local_slots 0 to the CPU count and keeps an explicit value") {
    Fixture f;
    LoadOptions options;
    options.system_file = f.dir.path() + "/none";
    options.ferry_hosts = "a";
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    CHECK(load(options).value().local_slots == static_cast<uint32_t>(cpus));
    options.ferry_hosts = "a localhost/3";
    CHECK(load(options).value().local_slots == 3);
}

TEST_CASE("source is the absolute file path and key_file is relative to it") {
    Fixture f;
    REQUIRE(write_file(f.flag_file, "[client]\nkey_file = \"keys/../ferry.key\"\n"));
    char cwd[4096];
    REQUIRE(getcwd(cwd, sizeof cwd));
    REQUIRE(chdir(f.dir.path().c_str()) == 0);
    LoadOptions options;
    options.hosts_flag = "flag.toml";
    auto config = load(options);
    REQUIRE(chdir(cwd) == 0);
    REQUIRE(config);
    CHECK(config->source == f.flag_file);
    CHECK(config->key_file == f.dir.path() + "/ferry.key");

    REQUIRE(write_file(f.flag_file, "[client]\nkey_file = \"/abs/ferry.key\"\n"));
    options.hosts_flag = f.flag_file;
    CHECK(load(options).value().key_file == "/abs/ferry.key");
}

TEST_CASE("FERRY_IDLE_TIMEOUT overrides idle_timeout_s") {
    Fixture f;
    REQUIRE(write_file(f.flag_file, "[client]\nidle_timeout_s = 100\n"));
    LoadOptions options;
    options.hosts_flag = f.flag_file;
    CHECK(load(options).value().idle_timeout_s == 100);
    options.idle_timeout = "7";
    CHECK(load(options).value().idle_timeout_s == 7);
    for (const char* bad : {"", "abc", "0", "-1", "5s", "604801", "99999999999"}) {
        INFO(bad);
        options.idle_timeout = bad;
        auto config = load(options);
        REQUIRE_FALSE(config);
        CHECK(config.error().message.find("FERRY_IDLE_TIMEOUT") != std::string::npos);
    }
}

TEST_CASE("fingerprints: stable for one configuration, different between configurations") {
    Fixture f;
    LoadOptions a;
    a.system_file = f.dir.path() + "/none";
    a.ferry_hosts = "x y";
    std::string fp = load(a).value().fingerprint;
    CHECK(is_hash_hex(fp));
    CHECK(load(a).value().fingerprint == fp);

    LoadOptions b = a;
    b.ferry_hosts = "x z";
    CHECK(load(b).value().fingerprint != fp);

    // The same text from a file is a different source, so a different coordinator.
    REQUIRE(write_file(f.flag_file, "x y"));
    LoadOptions c;
    c.system_file = a.system_file;
    c.hosts_file = f.flag_file;
    auto from_file = load(c);
    CHECK_FALSE(from_file); // "x y" is not TOML...
    REQUIRE(write_file(f.flag_file, runner_file("x")));
    REQUIRE(write_file(f.env_file, runner_file("x")));
    c.hosts_file = f.flag_file;
    std::string fp_flag = load(c).value().fingerprint;
    c.hosts_file = f.env_file; // ...and the same text in another file is another config
    CHECK(load(c).value().fingerprint != fp_flag);
    c.hosts_file = f.flag_file;
    CHECK(load(c).value().fingerprint == fp_flag);
    REQUIRE(write_file(f.flag_file, runner_file("x") + "slots = 2\n"));
    CHECK(load(c).value().fingerprint != fp_flag);

    LoadOptions none;
    none.system_file = a.system_file;
    CHECK(load(none).value().fingerprint != fp);
}

TEST_CASE("options_from_environment reads FERRY_HOSTS, FERRY_HOSTS_FILE, HOME") {
    setenv("FERRY_HOSTS", "h1", 1);
    setenv("FERRY_HOSTS_FILE", "/x.toml", 1);
    setenv("FERRY_IDLE_TIMEOUT", "9", 1);
    auto options = options_from_environment("--flag-file");
    CHECK(options.hosts_flag == "--flag-file");
    CHECK(options.ferry_hosts == std::optional<std::string>("h1"));
    CHECK(options.hosts_file == std::optional<std::string>("/x.toml"));
    CHECK(options.idle_timeout == std::optional<std::string>("9"));
    CHECK(options.home == std::string(getenv("HOME") ? getenv("HOME") : ""));
    unsetenv("FERRY_HOSTS");
    unsetenv("FERRY_HOSTS_FILE");
    unsetenv("FERRY_IDLE_TIMEOUT");
    options = options_from_environment();
    CHECK_FALSE(options.ferry_hosts);
    CHECK_FALSE(options.hosts_file);
    CHECK_FALSE(options.idle_timeout);
}

TEST_CASE("key_file: per runner, inherited from [client], relative to the hosts file") {
    Fixture f;
    REQUIRE(write_file(f.flag_file, R"([client]
key_file = "shared.key"
[[runner]]
address = "a"
[[runner]]
address = "b"
key_file = "keys/b.key"
[[runner]]
address = "c"
key_file = "/etc/ferry/c.key"
)"));
    LoadOptions options;
    options.hosts_flag = f.flag_file;
    auto config = load(options);
    REQUIRE(config);
    REQUIRE(config->runners.size() == 3);
    CHECK(config->key_file == f.dir.path() + "/shared.key");
    CHECK(config->runners[0].key_file == f.dir.path() + "/shared.key");
    CHECK(config->runners[1].key_file == f.dir.path() + "/keys/b.key");
    CHECK(config->runners[2].key_file == "/etc/ferry/c.key");

    SUBCASE("FERRY_KEY_FILE replaces the shared key, not a runner's own") {
        options.key_file = "/home/me/.ferry/../ferry.key";
        auto with_env = load(options);
        REQUIRE(with_env);
        CHECK(with_env->key_file == "/home/me/ferry.key");
        CHECK(with_env->runners[0].key_file == "/home/me/ferry.key");
        CHECK(with_env->runners[1].key_file == f.dir.path() + "/keys/b.key");
        // Another key means another coordinator.
        CHECK(with_env->fingerprint != config->fingerprint);
    }
    SUBCASE("FERRY_KEY_FILE must be an absolute path") {
        for (const char* bad : {"", "ferry.key", "./ferry.key"}) {
            INFO(bad);
            options.key_file = bad;
            auto refused = load(options);
            REQUIRE_FALSE(refused);
            CHECK(refused.error().message.find("FERRY_KEY_FILE") != std::string::npos);
        }
    }
}

TEST_CASE("FERRY_KEY_FILE gives $FERRY_HOSTS runners a key") {
    LoadOptions options;
    options.ferry_hosts = "10.0.0.1 10.0.0.2:3700/4";
    auto plain = load(options);
    REQUIRE(plain);
    CHECK(plain->runners.at(0).key_file.empty());
    options.key_file = "/etc/ferry/ferry.key";
    auto keyed = load(options);
    REQUIRE(keyed);
    for (const auto& runner : keyed->runners)
        CHECK(runner.key_file == "/etc/ferry/ferry.key");
}

TEST_CASE("FERRY_INCLUDE_ANALYSIS overrides include_analysis, in its own coordinator") {
    Fixture f;
    REQUIRE(write_file(f.flag_file, "include_analysis = \"shadow\"\n"));
    LoadOptions options;
    options.hosts_flag = f.flag_file;
    auto from_file = load(options).value();
    CHECK(from_file.include_analysis == IncludeAnalysis::shadow);
    options.include_analysis = "shadow"; // the same mode: the same coordinator
    CHECK(load(options).value().fingerprint == from_file.fingerprint);
    options.include_analysis = "off";
    auto off = load(options).value();
    CHECK(off.include_analysis == IncludeAnalysis::off);
    CHECK(off.fingerprint != from_file.fingerprint);
    options.include_analysis = "on";
    auto on = load(options).value();
    CHECK(on.include_analysis == IncludeAnalysis::on);
    CHECK(on.fingerprint != from_file.fingerprint);
    CHECK(on.fingerprint != off.fingerprint);
    for (const char* bad : {"", "On", "Shadow", "1"}) {
        INFO(bad);
        options.include_analysis = bad;
        auto config = load(options);
        REQUIRE_FALSE(config);
        CHECK(config.error().message.find("FERRY_INCLUDE_ANALYSIS") != std::string::npos);
    }
}

TEST_CASE("FERRY_LOCAL_WHEN_IDLE overrides [client] local_when_idle, in its own coordinator") {
    Fixture f;
    REQUIRE(write_file(f.flag_file, "[client]\nlocal_when_idle = false\n"));
    LoadOptions options;
    options.hosts_flag = f.flag_file;
    auto from_file = load(options).value();
    CHECK_FALSE(from_file.local_when_idle);
    options.local_when_idle = "0"; // the same setting: the same coordinator
    CHECK(load(options).value().fingerprint == from_file.fingerprint);
    options.local_when_idle = "1";
    auto on = load(options).value();
    CHECK(on.local_when_idle);
    CHECK(on.fingerprint != from_file.fingerprint);
    for (const char* bad : {"", "yes", "true", "2"}) {
        INFO(bad);
        options.local_when_idle = bad;
        auto config = load(options);
        REQUIRE_FALSE(config);
        CHECK(config.error().message.find("FERRY_LOCAL_WHEN_IDLE") != std::string::npos);
    }
}

// A [client] number a build's environment overrides: the file's value, then each good value
// from the variable (read by builds only: the same coordinator), then each bad one refused
// with the variable named.
static void check_number_override(const char* file_text,
                                  std::optional<std::string> LoadOptions::*env,
                                  uint32_t Config::*field, uint32_t from_file,
                                  std::initializer_list<std::pair<const char*, uint32_t>> good,
                                  std::initializer_list<const char*> bad, const char* variable) {
    Fixture f;
    REQUIRE(write_file(f.flag_file, file_text));
    LoadOptions options;
    options.hosts_flag = f.flag_file;
    auto base = load(options).value();
    CHECK(base.*field == from_file);
    // Not a structured binding: clang 14 cannot capture one in INFO's lambda.
    for (const auto& entry : good) {
        const char* text = entry.first;
        const uint32_t value = entry.second;
        INFO(text);
        options.*env = text;
        auto config = load(options).value();
        CHECK(config.*field == value);
        CHECK(config.fingerprint == base.fingerprint);
    }
    for (const char* text : bad) {
        INFO(text);
        options.*env = text;
        auto config = load(options);
        REQUIRE_FALSE(config);
        CHECK(config.error().message.find(variable) != std::string::npos);
    }
}

TEST_CASE("FERRY_QUEUE_AHEAD overrides [client] queue_ahead, in the same coordinator") {
    check_number_override("[client]\nqueue_ahead = 2\n", &LoadOptions::queue_ahead,
                          &Config::queue_ahead, 2, {{"0", 0}, {"8", 8}},
                          {"", "9", "-1", "1.5", "two", "1 "}, "FERRY_QUEUE_AHEAD");
}

TEST_CASE("FERRY_BUILD_NICE overrides [client] build_nice, in the same coordinator") {
    check_number_override("[client]\nbuild_nice = 7\n", &LoadOptions::build_nice,
                          &Config::build_nice, 7, {{"0", 0}, {"19", 19}},
                          {"", "20", "-3", "1.5", "five", " 1"}, "FERRY_BUILD_NICE");
}
