#include "remote/runner/options.hpp"

#include "remote/runner/config_file.hpp"
#include "util/fs.hpp"

#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <charconv>
#include <cstdio>
#include <netinet/in.h>
#include <thread>
#include <unistd.h>

namespace ferry::runner {

static Result<uint16_t> parse_port(std::string_view digits, std::string_view whole) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || port == 0 ||
        port > 65535)
        return make_error(Errc::invalid, "'{}': the port must be a number from 1 to 65535", whole);
    return static_cast<uint16_t>(port);
}

Result<ListenAddress> parse_listen_address(std::string_view text) {
    std::string host;
    uint16_t port = kDefaultPort;
    if (!text.empty() && text[0] == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos)
            return make_error(Errc::invalid, "'{}': missing ']' after an IPv6 address", text);
        host = std::string(text.substr(1, close - 1));
        auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':')
                return make_error(Errc::invalid, "'{}': expected ':PORT' after ']'", text);
            FERRY_TRY(p, parse_port(rest.substr(1), text));
            port = *p;
        }
    } else if (text.find(':') != text.rfind(':')) {
        host = std::string(text); // a bare IPv6 address (several colons): no port
    } else if (auto colon = text.find(':'); colon != std::string_view::npos) {
        host = std::string(text.substr(0, colon));
        FERRY_TRY(p, parse_port(text.substr(colon + 1), text));
        port = *p;
    } else {
        host = std::string(text);
    }

    ListenAddress out;
    auto* in4 = reinterpret_cast<sockaddr_in*>(&out.address);
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&out.address);
    if (::inet_pton(AF_INET, host.c_str(), &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        out.length = sizeof(sockaddr_in);
        out.text = fmt::format("{}:{}", host, port);
    } else if (::inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        out.length = sizeof(sockaddr_in6);
        out.text = fmt::format("[{}]:{}", host, port);
    } else {
        return make_error(Errc::invalid,
                          "'{}' is not ADDRESS:PORT with a numeric IPv4 or [IPv6] address", text);
    }
    return out;
}

Result<ListenAddress> parse_metrics_address(std::string_view text) {
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
        const std::string whole = fmt::format("--metrics {}", text);
        FERRY_TRY(port, parse_port(text, whole));
        return parse_listen_address(fmt::format("127.0.0.1:{}", *port));
    }
    const bool has_port = text.starts_with('[') ? text.find("]:") != std::string_view::npos
                                                : text.find(':') != std::string_view::npos &&
                                                      text.find(':') == text.rfind(':');
    if (!has_port)
        return make_error(Errc::invalid,
                          "--metrics '{}': expected PORT or ADDRESS:PORT (IPv6 as [::1]:PORT)",
                          text);
    FERRY_TRY(address, parse_listen_address(text));
    return std::move(*address);
}

Result<void> validate_options(const Options& options) {
    if (!options.allow_given && options.metrics && !is_loopback(options.metrics->sockaddr_ptr()))
        return make_error(Errc::invalid,
                          "--metrics {} is not a loopback address: say who may read the metrics "
                          "with --allow (e.g. --allow 192.168.1.0/24)",
                          options.metrics->text);
    if (options.metrics) {
        for (const auto& l : options.listen)
            if (l.text == options.metrics->text)
                return make_error(Errc::invalid, "--metrics {} is also a --listen address", l.text);
    }
    if (!options.allow_given) {
        for (const auto& l : options.listen) {
            if (!is_loopback(l.sockaddr_ptr()))
                return make_error(Errc::invalid,
                                  "--listen {} is not a loopback address: say who may connect "
                                  "with --allow (e.g. --allow 192.168.1.0/24)",
                                  l.text);
        }
    }
    if (options.jobs == 0) return make_error(Errc::invalid, "--jobs must be at least 1");
    if (options.job_timeout_seconds == 0)
        return make_error(Errc::invalid, "--job-timeout must be at least 1 second");
    if (options.max_connections == 0)
        return make_error(Errc::invalid, "--max-connections must be at least 1");
    if (options.files_timeout_seconds == 0)
        return make_error(Errc::invalid, "--files-timeout must be at least 1 second");
    if (options.max_request_bytes < 4096 || options.max_request_bytes > (uint64_t(512) << 20))
        return make_error(Errc::invalid, "--max-request-size must be from 1 to 512 (MiB)");
    if (options.max_mirror_dirs == 0 || options.max_path_depth == 0)
        return make_error(Errc::invalid,
                          "--max-mirror-dirs and --max-path-depth must be at least 1");
    return ok();
}

static std::string absolute_from_cwd(const std::string& path) {
    if (path.empty() || path[0] == '/') return path;
    char buf[4096];
    if (!::getcwd(buf, sizeof buf)) return path;
    return absolute_path(buf, path);
}

namespace {

// What the command line binds to: the options themselves where no conversion is needed, and
// the text or unit of those converted after parsing. It starts from the config file's
// values, so an option the command line does not give keeps the file's.
struct CommandLine {
    explicit CommandLine(FileOptions base)
        : o(std::move(base.options)), cache_mb(o.cache_size_bytes >> 20),
          as_mb(o.limits.address_space >> 20), fsize_mb(o.limits.file_size >> 20),
          request_mb(o.max_request_bytes >> 20), cpu_seconds(o.limits.cpu_seconds),
          cpu_given(base.cpu_limit_given) {}

    Options o;
    std::vector<std::string> listen, allow; // given: they replace the file's lists
    std::string metrics;
    bool metrics_given = false;
    uint64_t cache_mb, as_mb, fsize_mb, request_mb, cpu_seconds;
    bool cpu_given;
    bool no_reuse = false;
    bool no_reuse_mirrors = false;
    std::string config;
};

constexpr const char* kDescription = "ferryd: the ferry runner. Compiles jobs sent by ferry "
                                     "clients in a private mirror of the client's paths.";

void add_options(CLI::App& app, CommandLine& c) {
    Options& o = c.o;
    app.add_option("--config", c.config,
                   fmt::format("settings file (default {} when it exists; options given here "
                               "win over it; docs/ferryd.md)",
                               kDefaultConfigFile))
        ->type_name("FILE");
    app.add_option("--listen", c.listen,
                   "ADDRESS:PORT to listen on (repeatable; IPv6 as [::1]:3633; default "
                   "127.0.0.1:3633)");
    app.add_option("--allow", c.allow,
                   "address range allowed to connect (repeatable; default 127.0.0.0/8 and "
                   "::1/128)");
    app.add_option("--metrics", c.metrics,
                   "serve Prometheus metrics at http://ADDRESS:PORT/metrics (off by default; a "
                   "bare PORT listens on 127.0.0.1; a non-loopback address needs --allow, which "
                   "also says who may read them; docs/metrics.md)")
        ->type_name("[ADDRESS:]PORT")
        ->each([&c](const std::string&) { c.metrics_given = true; });
    app.add_option("--jobs,-j", o.jobs, "compiles run at once (default: number of CPUs)");
    app.add_flag("--daemon", o.daemon, "detach from the terminal after binding");
    app.add_option("--log-file", o.log_file, "append the log here instead of stderr");
    app.add_option("--pid-file", o.pid_file, "write the process id here (removed at exit)");
    app.add_option("--user", o.user, "when started as root, run as this user");
    app.add_option("--key-file", o.key_file,
                   "shared key clients must prove they hold (64 hex digits, mode 0600; make one "
                   "with 'ferry keygen FILE')");
    app.add_option("--name", o.name, "runner name in the greeting (default hostname:port)");
    app.add_option("--compiler", o.compilers,
                   "compiler name or path to offer (repeatable; replaces the default list)");
    app.add_option("--job-timeout", o.job_timeout_seconds,
                   "seconds a compile may take before it is killed (default 300)");
    app.add_option(
        "--max-queue", o.max_queue,
        "jobs that may wait for files or a slot, over all connections (default 4 x --jobs, "
        "at least 16)");
    app.add_option("--max-connections", o.max_connections,
                   "client connections at once (default 256)");
    app.add_option("--max-request-size", c.request_mb,
                   "largest job request (its manifest) in MiB, decompressed (default 16)");
    app.add_option("--max-mirror-dirs", o.max_mirror_dirs,
                   "directories one job's mirror may need (default 10000)");
    app.add_option("--max-path-depth", o.max_path_depth,
                   "components in one manifest path (default 128)");
    app.add_option("--files-timeout", o.files_timeout_seconds,
                   "seconds a job may wait for the files it asked for (default 60)");
    app.add_option("--cache-dir", o.cache_dir,
                   "file cache directory (default: private, removed at exit)");
    app.add_option("--cache-size", c.cache_mb, "file cache size in MiB (default 1024)");
    app.add_option("--limit-cpu", c.cpu_seconds,
                   "CPU seconds per compile, 0 for none (default: --job-timeout)")
        ->each([&c](const std::string&) { c.cpu_given = true; });
    app.add_option("--limit-memory", c.as_mb,
                   "address space per compile in MiB, 0 for none (default 4096)");
    app.add_option("--limit-file-size", c.fsize_mb,
                   "largest file a compile may write in MiB, 0 for none (default 1024)");
    app.add_flag("--unsandboxed", o.unsandboxed,
                 "run compilers without the namespace sandbox, on this machine's files with "
                 "re-rooted paths (only where user namespaces are not available)");
    app.add_flag("--installed-compilers-only", o.installed_compilers_only,
                 "run only compilers installed here (matched by identity), never one a client "
                 "ships");
    app.add_flag("--no-reuse-installed", c.no_reuse,
                 "ask clients for every toolchain file the cache lacks, even where this "
                 "machine has the same file (same path, same content) installed");
    app.add_flag("--no-reuse-mirrors", c.no_reuse_mirrors,
                 "build every job's mirror from nothing, never from the mirror a finished job "
                 "of the same client leaves");
    app.add_flag("--verbose,-v", o.verbose, "log each frame and file transfer");
}

ParsedOptions fail_with(const Error& e) {
    std::fprintf(stderr, "ferryd: %s\n", e.message.c_str());
    return ParsedOptions{std::nullopt, 2};
}

} // namespace

ParsedOptions parse_options(int argc, char** argv, const std::string& default_config) {
    Options defaults;
    defaults.jobs = std::max(1u, std::thread::hardware_concurrency());

    // First pass, over the defaults alone: --help and command-line errors come before the file
    // is read (`ferryd --help` works with a broken file), and --config says which file it is.
    std::string config_path;
    {
        CommandLine first(FileOptions{defaults, false});
        CLI::App app{kDescription, "ferryd"};
        add_options(app, first);
        try {
            app.parse(argc, argv);
        } catch (const CLI::CallForHelp& e) {
            return {std::nullopt, app.exit(e)};
        } catch (const CLI::ParseError& e) {
            std::fprintf(stderr, "ferryd: %s\nRun 'ferryd --help' for the options.\n", e.what());
            return {std::nullopt, 2};
        }
        config_path = first.config;
    }
    const bool named = !config_path.empty();
    auto file = load_config_file(named ? config_path : default_config, named, defaults);
    if (!file) return fail_with(file.error());

    // Second pass, over the file's values: what the command line gives wins.
    CommandLine c(*file ? std::move(**file) : FileOptions{defaults, false});
    {
        CLI::App app{kDescription, "ferryd"};
        add_options(app, c);
        try {
            app.parse(argc, argv);
        } catch (const CLI::Error& e) { // the first pass accepted the same arguments
            std::fprintf(stderr, "ferryd: %s\n", e.what());
            return {std::nullopt, 2};
        }
    }

    Options o = std::move(c.o);
    if (c.no_reuse) o.reuse_installed = false;
    if (c.no_reuse_mirrors) o.reuse_mirrors = false;
    if (!c.listen.empty()) o.listen.clear();
    if (!c.listen.empty() || o.listen.empty()) {
        if (c.listen.empty()) c.listen.push_back(fmt::format("127.0.0.1:{}", kDefaultPort));
        for (const auto& l : c.listen) {
            auto parsed = parse_listen_address(l);
            if (!parsed) return fail_with(parsed.error());
            o.listen.push_back(std::move(*parsed));
        }
    }
    if (c.metrics_given) {
        auto parsed = parse_metrics_address(c.metrics);
        if (!parsed) return fail_with(parsed.error());
        o.metrics = std::move(*parsed);
    }
    if (!c.allow.empty()) {
        o.allow.clear();
        o.allow_given = true;
    } else if (!o.allow_given) {
        c.allow = {"127.0.0.0/8", "::1/128"};
    }
    for (const auto& a : c.allow) {
        auto parsed = Cidr::parse(a);
        if (!parsed) return fail_with(parsed.error());
        o.allow.push_back(*parsed);
    }
    o.cache_size_bytes = c.cache_mb << 20;
    o.max_request_bytes = c.request_mb << 20;
    o.limits.address_space = c.as_mb << 20;
    o.limits.file_size = c.fsize_mb << 20;
    o.limits.cpu_seconds = c.cpu_given ? c.cpu_seconds : o.job_timeout_seconds;
    if (o.max_queue == 0) o.max_queue = std::max(16u, 4 * o.jobs);
    o.log_file = absolute_from_cwd(o.log_file);
    o.pid_file = absolute_from_cwd(o.pid_file);
    o.cache_dir = absolute_from_cwd(o.cache_dir);
    o.key_file = absolute_from_cwd(o.key_file);
    if (auto valid = validate_options(o); !valid) {
        // A mistake that comes from the file alone (a non-loopback listen without allow) is
        // the file's: say which one.
        if (!o.config_file.empty())
            return fail_with(
                Error{valid.error().code,
                      fmt::format("{} (settings from {})", valid.error().message, o.config_file)});
        return fail_with(valid.error());
    }
    return {std::move(o), 0};
}

} // namespace ferry::runner
