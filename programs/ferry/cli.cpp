#include "programs/ferry/cli.hpp"

#include "client/invocation.hpp"
#include "client/wrapper.hpp"
#include "coordinator/daemon.hpp"
#include "doctor/doctor.hpp"
#include "integrations/make/make_command.hpp"
#include "integrations/make/run_command.hpp"
#include "integrations/ninja/ninja_command.hpp"
#include "monitor/mon_command.hpp"
#include "monitor/status_command.hpp"
#include "monitor/web/dashboard.hpp"
#include "programs/ferry/hosts_command.hpp"
#include "remote/protocol/auth.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <utility>

#ifndef FERRY_VERSION
#define FERRY_VERSION "unknown"
#endif

namespace ferry::client {
namespace {

constexpr const char* kUsage =
    R"(ferry: distributed C/C++ compilation around the GNU make jobserver.

Compile (runs remotely when it can, locally otherwise; same outputs, diagnostics, exit status):
  ferry [--hosts FILE] COMPILER ARGS...   e.g. ferry gcc -c foo.c -o foo.o, CC="ferry gcc"
  COMPILER ARGS...                        through a symlink named after the compiler
                                          (gcc -> ferry) in a directory early on PATH
  ferry /usr/bin/cc ARGS...               as CMAKE_C_COMPILER_LAUNCHER=ferry passes it

Build with the cluster's capacity (a jobserver sized to the runners that are up):
  ferry [--hosts FILE] make [--summary|--quiet|--trace FILE]... [--] [MAKE ARGS...]
  ferry [--hosts FILE] ninja [--summary|--quiet|--trace FILE]... [--] [NINJA ARGS...]
  ferry [--hosts FILE] run [--summary|--quiet|--trace FILE]... -- COMMAND...
  (ferry's options first, up to the first other argument or --; see docs/build-report.md)
)";

constexpr const char* kFooter = R"(
Hosts come from --hosts FILE, $FERRY_HOSTS ("host:port/slots ..."), $FERRY_HOSTS_FILE,
~/.config/ferry/hosts.toml or /etc/ferry/hosts.toml, in that order.
Authenticate to runners started with --key-file: ferry keygen FILE, then key_file in
hosts.toml or $FERRY_KEY_FILE (docs/security.md).)";

int keygen_command(const std::string& path) {
    if (auto written = proto::auth::write_new_key_file(path); !written) {
        std::fprintf(stderr, "ferry keygen: %s\n", written.error().message.c_str());
        return 1;
    }
    std::fprintf(stderr,
                 "ferry keygen: wrote a new key to %s (mode 0600). Copy it, privately, to every "
                 "runner (ferryd --key-file) and client (key_file in hosts.toml).\n",
                 path.c_str());
    return 0;
}

// make, ninja and run take the rest of the line verbatim, options included.
int run_integration(const std::string& name, std::vector<std::string> args,
                    const std::string& hosts_flag) {
    if (name == "make") return integrations::make_command(args, hosts_flag);
    if (name == "ninja") return integrations::ninja_command(args, hosts_flag);
    if (!args.empty() && args.front() == "--") args.erase(args.begin());
    if (args.empty()) {
        std::fputs("ferry run: no command given (ferry run -- COMMAND...)\n", stderr);
        return 2;
    }
    return integrations::run_command(args, hosts_flag);
}

int parse_own_command_line(const std::vector<std::string>& argv) {
    CLI::App app(kUsage, "ferry");
    app.footer(kFooter);
    app.fallthrough(); // `ferry status --hosts F` as well as `ferry --hosts F status`
    std::string hosts_flag;
    app.add_option("--hosts", hosts_flag, "hosts file (hosts.toml)");
    bool version = false;
    app.add_flag("--version", version, "print the version and exit");

    auto* status = app.add_subcommand("status", "show the coordinator's runners, slots and jobs");
    bool status_json = false;
    status->add_flag("--json", status_json, "one JSON object (docs/status-json.md)");
    auto* mon = app.add_subcommand("mon", "show the jobs in flight, once or every SECONDS");
    monitor::MonOptions mon_options;
    monitor::add_mon_options(*mon, mon_options);
    auto* shutdown = app.add_subcommand("shutdown", "stop the coordinator if it is running");
    std::string key_path;
    auto* keygen = app.add_subcommand("keygen", "write a new shared key to FILE (mode 0600)");
    keygen->add_option("FILE", key_path, "where to write the key (must not exist)")->required();
    doctor::Options doctor_options;
    auto* doctor_sub = app.add_subcommand(
        "doctor", "check the set-up and say how to fix each problem (exit 1 if any, 2 usage)");
    doctor_sub->add_option("--compiler", doctor_options.compilers,
                           "also check this compiler (repeatable)");
    doctor_sub->add_flag("--json", doctor_options.json, "print the findings as JSON");
    // Listed for --help; the real dispatch happens before CLI11 sees their arguments.
    const std::pair<const char*, const char*> kIntegrations[] = {
        {"make", "run GNU make with a cluster-sized jobserver"},
        {"ninja", "run ninja at the cluster's capacity"},
        {"run", "run any command (after --) with a cluster-sized jobserver"},
        {"hosts", "print the hosts.toml for a distcc host list (--from-distcc \"$DISTCC_HOSTS\")"}};
    for (const auto& [name, description] : kIntegrations) {
        auto* sub = app.add_subcommand(name, description);
        sub->prefix_command();
        sub->allow_extras();
    }
    coordinator::DaemonOptions daemon;
    auto* coord = app.add_subcommand("coordinator", "run the coordinator daemon");
    coord->group(""); // hidden: started by ferry itself
    coord->add_option("--socket", daemon.socket_path, "unix socket to listen on")->required();
    coord->add_flag("--foreground", daemon.foreground, "log to stderr");

    std::vector<std::string> reversed(argv.rbegin(), argv.rend() - 1);
    try {
        app.parse(std::move(reversed));
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2; // --help is success; a usage error is 2, as in make
    }

    if (version) {
        std::printf("ferry %s\n", FERRY_VERSION);
        return 0;
    }
    if (status->parsed()) return monitor::status_command(hosts_flag, status_json);
    if (mon->parsed() && !mon_options.web.empty())
        return monitor::web::dashboard_command(hosts_flag, mon_options.web);
    if (mon->parsed()) return monitor::mon_command(mon_options, hosts_flag);
    if (shutdown->parsed()) return monitor::shutdown_command(hosts_flag);
    if (keygen->parsed()) return keygen_command(key_path);
    if (doctor_sub->parsed()) {
        doctor_options.hosts_flag = hosts_flag;
        return doctor::doctor_command(doctor_options);
    }
    if (coord->parsed()) {
        daemon.hosts_flag = hosts_flag;
        return coordinator::run_daemon(daemon);
    }
    for (const char* name : {"make", "ninja", "run"})
        if (auto* sub = app.get_subcommand(name); sub->parsed())
            return run_integration(name, sub->remaining(), hosts_flag);
    if (auto* sub = app.get_subcommand("hosts"); sub->parsed())
        return hosts_command(sub->remaining());
    std::fputs(app.help().c_str(), stderr);
    return 2;
}

} // namespace

int run_cli(const std::vector<std::string>& argv) {
    const Invocation inv = parse_invocation(argv);
    switch (inv.kind) {
    case Invocation::Kind::compiler:
        run_wrapper(inv);
    case Invocation::Kind::subcommand:
        if (inv.subcommand == "make" || inv.subcommand == "ninja" || inv.subcommand == "run")
            return run_integration(inv.subcommand, inv.args, inv.hosts_flag);
        if (inv.subcommand == "hosts") return hosts_command(inv.args);
        break;
    case Invocation::Kind::options:
        break;
    }
    return parse_own_command_line(argv);
}

} // namespace ferry::client
