// `ferry mon [SECONDS] [--plain]`: what distccmon-text shows, and more. Once, or every
// SECONDS until interrupted: on a terminal a full-screen live view (live_screen.hpp),
// otherwise (or with --plain) text blocks separated by a blank line, for pipes. Never starts
// a coordinator: with none running it says so in one line and exits 1. Once: asks for the
// job board (ipc_jobs_request). Refreshing: watches it (watch.hpp), so the coordinator pushes
// each change instead of answering a poll per refresh.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace ferry::monitor {

struct MonOptions {
    std::string interval; // SECONDS as typed; empty: print once
    bool plain = false;
    // --web [ADDR:]PORT: the live dashboard (monitor/web/dashboard.hpp) instead of text;
    // programs/ferry/cli.cpp runs it, so this library needs none of the web server.
    std::string web;
};

// The options of the `mon` subcommand, declared on `sub` (the CLI's subcommand).
void add_mon_options(CLI::App& sub, MonOptions& options);

// The exit status: 0 done or interrupted, 1 no coordinator (or a config error), 2 usage.
int mon_command(const MonOptions& options, const std::string& hosts_flag);

} // namespace ferry::monitor
