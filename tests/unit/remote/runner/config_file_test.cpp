// ferryd.toml: every key read, every kind of mistake reported with file, line and key, and the
// order defaults < file < command line.
#include "remote/runner/config_file.hpp"
#include "remote/runner/options.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace ferry;
using namespace ferry::runner;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// The message of a file that must be refused; it must name the file, the line and the key.
std::string error_of(const std::string& text, int line, const std::string& key) {
    auto parsed = parse_config_text(text, "/etc/ferry/ferryd.toml", Options{});
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().code == Errc::invalid);
    const std::string& message = parsed.error().message;
    INFO(message);
    CHECK(contains(message, fmt::format("/etc/ferry/ferryd.toml:{}: {}: ", line, key)));
    return message;
}

ParsedOptions parse(std::vector<std::string> args, const std::string& default_config) {
    args.insert(args.begin(), "ferryd");
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    return parse_options(static_cast<int>(argv.size()), argv.data(), default_config);
}

// The exit status of a command line that must not start ferryd.
int refused(std::vector<std::string> args, const std::string& default_config) {
    auto p = parse(std::move(args), default_config);
    CHECK_FALSE(p.options);
    return p.exit_code;
}

struct Files {
    TempDir dir = std::move(*TempDir::create("/tmp", "ferryd-config-test"));
    std::string write(const std::string& name, const std::string& text) {
        const std::string path = dir.path() + "/" + name;
        REQUIRE(write_file(path, text));
        return path;
    }
};

} // namespace

TEST_CASE("every key of ferryd.toml is read") {
    auto parsed = parse_config_text(R"(
listen = ["0.0.0.0:4000", "[::]:4001"]
allow = ["10.0.0.0/8", "fd00::/8"]
jobs = 12
name = "build-1"
key_file = "/etc/ferry/ferry.key"
user = "ferry"
log_file = "/var/log/ferryd.log"
pid_file = "/run/ferryd.pid"
metrics = "127.0.0.1:9100"
compilers = ["gcc", "/usr/bin/clang-14"]
unsandboxed = true
installed_compilers_only = true
reuse_installed = false
verbose = true

[cache]
dir = "/var/cache/ferryd"
size_mib = 2048

[limits]
job_timeout_s = 600
cpu_s = 500
memory_mib = 0
file_size_mib = 64

[intake]
max_queue = 99
max_connections = 17
files_timeout_s = 30
max_request_size_mib = 32
max_mirror_dirs = 500
max_path_depth = 40
)",
                                    "ferryd.toml", Options{});
    REQUIRE(parsed);
    const Options& o = parsed->options;
    REQUIRE(o.listen.size() == 2);
    CHECK(o.listen[0].text == "0.0.0.0:4000");
    CHECK(o.listen[1].text == "[::]:4001");
    CHECK(o.allow.size() == 2);
    CHECK(o.allow_given);
    CHECK(o.jobs == 12);
    CHECK(o.name == "build-1");
    CHECK(o.key_file == "/etc/ferry/ferry.key");
    CHECK(o.user == "ferry");
    CHECK(o.log_file == "/var/log/ferryd.log");
    CHECK(o.pid_file == "/run/ferryd.pid");
    REQUIRE(o.metrics);
    CHECK(o.metrics->text == "127.0.0.1:9100");
    CHECK(o.compilers == std::vector<std::string>{"gcc", "/usr/bin/clang-14"});
    CHECK(o.unsandboxed);
    CHECK(o.installed_compilers_only);
    CHECK_FALSE(o.reuse_installed);
    CHECK(o.verbose);
    CHECK(o.cache_dir == "/var/cache/ferryd");
    CHECK(o.cache_size_bytes == uint64_t(2048) << 20);
    CHECK(o.job_timeout_seconds == 600);
    CHECK(o.limits.cpu_seconds == 500);
    CHECK(parsed->cpu_limit_given);
    CHECK(o.limits.address_space == 0);
    CHECK(o.limits.file_size == uint64_t(64) << 20);
    CHECK(o.max_queue == 99);
    CHECK(o.max_connections == 17);
    CHECK(o.files_timeout_seconds == 30);
    CHECK(o.max_request_bytes == uint64_t(32) << 20);
    CHECK(o.max_mirror_dirs == 500);
    CHECK(o.max_path_depth == 40);
}

TEST_CASE("an empty file changes nothing") {
    Options defaults;
    defaults.jobs = 3;
    auto parsed = parse_config_text("# nothing here\n", "ferryd.toml", defaults);
    REQUIRE(parsed);
    CHECK(parsed->options.jobs == 3);
    CHECK(parsed->options.listen.empty());
    CHECK_FALSE(parsed->options.allow_given);
    CHECK_FALSE(parsed->cpu_limit_given);
    CHECK(parsed->options.job_timeout_seconds == 300);
}

TEST_CASE("the file shipped in the package parses") {
    auto text = read_file(std::string(FERRY_SOURCE_DIR) + "/dist/ferryd.toml");
    REQUIRE(text);
    auto parsed = parse_config_text(*text, "dist/ferryd.toml", Options{});
    INFO((parsed ? std::string() : parsed.error().message));
    CHECK(parsed);
}

TEST_CASE("syntax errors name file, line and column") {
    auto parsed = parse_config_text("jobs = 4\nlisten = [\"a\"\n", "f.toml", Options{});
    REQUIRE_FALSE(parsed);
    CHECK(contains(parsed.error().message, "f.toml:"));
    CHECK(contains(parsed.error().message, "TOML syntax error"));
}

TEST_CASE("unknown keys are refused, with a suggestion for a typo") {
    CHECK(contains(error_of("jobs = 2\njob = 4\n", 2, "job"), "did you mean 'jobs'?"));
    CHECK(contains(error_of("[cache]\nsize_mb = 10\n", 2, "cache.size_mb"),
                   "did you mean 'size_mib'?"));
    CHECK(contains(error_of("\n[limits]\ncpu = 1\n", 3, "limits.cpu"), "unknown key"));
    CHECK(contains(error_of("[intake]\nmax_queues = 1\n", 2, "intake.max_queues"),
                   "did you mean 'max_queue'?"));
    // --daemon is how ferryd is started, not a setting: a service file must not detach.
    CHECK(contains(error_of("daemon = true\n", 1, "daemon"), "unknown key"));
    CHECK(contains(error_of("[server]\n", 1, "server"), "unknown key"));
}

TEST_CASE("types are checked") {
    CHECK(contains(error_of("jobs = \"4\"\n", 1, "jobs"), "expected an integer"));
    CHECK(contains(error_of("jobs = 2.5\n", 1, "jobs"), "the float 2.5"));
    CHECK(contains(error_of("verbose = 1\n", 1, "verbose"), "expected true or false"));
    CHECK(contains(error_of("listen = \"127.0.0.1:3633\"\n", 1, "listen"),
                   "expected an array of strings"));
    CHECK(contains(error_of("allow = [\"10.0.0.0/8\",\n  7]\n", 2, "allow[1]"),
                   "expected a string, got 7"));
    CHECK(contains(error_of("name = 3\n", 1, "name"), "expected a string"));
    CHECK(contains(error_of("cache = 3\n", 1, "cache"), "expected a [cache] table"));
    CHECK(contains(error_of("limits = \"x\"\n", 1, "limits"), "expected a [limits] table"));
    CHECK(contains(error_of("compilers = [\"gcc\", \"\"]\n", 1, "compilers[1]"), "got \"\""));
}

TEST_CASE("values are ranged and checked for their meaning") {
    CHECK(contains(error_of("jobs = 0\n", 1, "jobs"), "from 1 to"));
    CHECK(contains(error_of("[limits]\njob_timeout_s = 0\n", 2, "limits.job_timeout_s"),
                   "from 1 to"));
    CHECK(contains(error_of("[limits]\nmemory_mib = -1\n", 2, "limits.memory_mib"), "from 0 to"));
    CHECK(contains(
        error_of("[intake]\nmax_request_size_mib = 513\n", 2, "intake.max_request_size_mib"),
        "from 1 to 512"));
    CHECK(contains(error_of("listen = [\"127.0.0.1:3633\",\n\"localhost:3633\"]\n", 2, "listen[1]"),
                   "numeric"));
    CHECK(contains(error_of("listen = []\n", 1, "listen"), "at least one"));
    CHECK(contains(error_of("allow = [\"10.0.0.0/33\"]\n", 1, "allow[0]"), "10.0.0.0/33"));
    CHECK(contains(error_of("metrics = \"host:9100\"\n", 1, "metrics"), "host:9100"));
    CHECK(contains(error_of("key_file = \"ferry.key\"\n", 1, "key_file"),
                   "expected an absolute path"));
    CHECK(contains(error_of("[cache]\ndir = \"cache\"\n", 2, "cache.dir"),
                   "expected an absolute path"));
    CHECK(contains(error_of("log_file = \"\"\n", 1, "log_file"), "expected a file name"));
    CHECK(contains(error_of("user = \"\"\n", 1, "user"), "expected a user name"));
}

TEST_CASE("the first mistake in the file is the one reported") {
    // toml++ keeps keys sorted; errors follow the file's order.
    auto message = error_of("verbose = 2\nallow = 3\n", 1, "verbose");
    CHECK_FALSE(contains(message, "allow"));
}

TEST_CASE("the command line wins over the file, the file over the defaults") {
    Files files;
    const std::string path = files.write("ferryd.toml", R"(
listen = ["127.0.0.5:4000"]
allow = ["127.0.0.5/32"]
jobs = 7
compilers = ["gcc"]
unsandboxed = true
[limits]
job_timeout_s = 100
memory_mib = 100
[cache]
size_mib = 10
)");
    SUBCASE("the file alone") {
        auto p = parse({"--config", path}, "/nonexistent/ferryd.toml");
        REQUIRE(p.options);
        CHECK(p.options->config_file == path);
        CHECK(p.options->listen.at(0).text == "127.0.0.5:4000");
        CHECK(p.options->allow.size() == 1);
        CHECK(p.options->jobs == 7);
        CHECK(p.options->unsandboxed);
        CHECK(p.options->job_timeout_seconds == 100);
        // Not set in the file: follows the file's job timeout, as it follows --job-timeout.
        CHECK(p.options->limits.cpu_seconds == 100);
        CHECK(p.options->limits.address_space == uint64_t(100) << 20);
        CHECK(p.options->cache_size_bytes == uint64_t(10) << 20);
        CHECK(p.options->max_connections == 256); // the default, untouched
        CHECK(p.options->max_queue == 28);        // 4 x the file's jobs
    }
    SUBCASE("options given on the command line replace the file's") {
        auto p = parse({"--config", path, "--listen", "127.0.0.6:4100", "--listen",
                        "127.0.0.7:4100", "--allow", "127.0.0.0/8", "--jobs", "2", "--compiler",
                        "clang", "--limit-memory", "5", "--job-timeout", "9"},
                       "/nonexistent/ferryd.toml");
        REQUIRE(p.options);
        REQUIRE(p.options->listen.size() == 2);
        CHECK(p.options->listen[0].text == "127.0.0.6:4100");
        CHECK(p.options->listen[1].text == "127.0.0.7:4100");
        REQUIRE(p.options->allow.size() == 1);
        auto inside = parse_listen_address("127.1.2.3:1");
        REQUIRE(inside);
        CHECK(p.options->allow[0].contains(inside->sockaddr_ptr()));
        CHECK(p.options->jobs == 2);
        CHECK(p.options->compilers == std::vector<std::string>{"clang"});
        CHECK(p.options->limits.address_space == uint64_t(5) << 20);
        CHECK(p.options->limits.cpu_seconds == 9);
        CHECK(p.options->cache_size_bytes == uint64_t(10) << 20); // from the file still
        CHECK(p.options->unsandboxed);
    }
    SUBCASE("the default file is read when it exists and --config is not given") {
        auto p = parse({"--jobs", "3"}, path);
        REQUIRE(p.options);
        CHECK(p.options->config_file == path);
        CHECK(p.options->listen.at(0).text == "127.0.0.5:4000");
        CHECK(p.options->jobs == 3);
    }
    SUBCASE("--config names another file than the default") {
        const std::string other = files.write("other.toml", "jobs = 5\n");
        auto p = parse({"--config", other}, path);
        REQUIRE(p.options);
        CHECK(p.options->config_file == other);
        CHECK(p.options->jobs == 5);
        CHECK(p.options->listen.at(0).text == "127.0.0.1:3633"); // not the default file's
    }
}

TEST_CASE("a missing default file is no error; a missing named one is") {
    auto p = parse({}, "/nonexistent/ferryd.toml");
    REQUIRE(p.options);
    CHECK(p.options->config_file.empty());
    CHECK(refused({"--config", "/nonexistent/ferryd.toml"}, "/nonexistent/other.toml") == 2);
}

TEST_CASE("a bad file exits 2, but --help still works") {
    Files files;
    const std::string bad = files.write("bad.toml", "jobs = \"many\"\n");
    CHECK(refused({"--config", bad}, "/nonexistent/ferryd.toml") == 2);
    CHECK(refused({}, bad) == 2);
    CHECK(refused({"--help"}, bad) == 0);
}

TEST_CASE("a non-loopback listen in the file needs allow too") {
    Files files;
    const std::string open = files.write("open.toml", "listen = [\"0.0.0.0:3633\"]\n");
    CHECK(refused({"--config", open}, "/nonexistent") == 2);
    CHECK(parse({"--config", open, "--allow", "10.0.0.0/8"}, "/nonexistent").options);
}
