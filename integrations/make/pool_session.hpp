// Runs one command (make, ninja, anything) under a jobserver pool sized to the cluster, and
// keeps the pool following the cluster until the command exits: a poll of the capacity
// about once a second, tokens added when it rises, retired as they come back when it falls.
//
// The command gets the pool in its MAKEFLAGS in the style it understands, and only the fds
// it needs (pipe style: at 3 and 4; nothing above). It runs in its own process group (which
// takes the terminal while it runs, when we have it): SIGINT/SIGTERM/SIGHUP/SIGQUIT sent to
// us go to that whole group, as a terminal's Ctrl-C would — make alone would wait for its
// jobs. Whatever happens, we wait for it, count the tokens back (a leak is reported),
// remove the fifo, and only then exit — with its status, or its signal. A command that fails
// after we passed it a terminating signal counts as killed by that signal.
//
// With runners, the command runs at a nice value `[client] build_nice` (default 5) higher
// than ours, and we keep ours: we are its jobserver, retiring tokens in a race with its own
// reads of the pool. On a client short of CPU the coordinator, which feeds every runner
// slot, then goes before make's own work instead of taking turns with each of make's processes: in
// OpenSSL's first seconds on bench/farm's 0.4-CPU client, perl's assembler generators and
// make held the coordinator to a tenth of the client's CPU for a second while 36 compiles
// waited for its analysis and the runners ran half their slots (bench/farm, session 22). A
// compile the coordinator sends back as idle offload runs at SCHED_IDLE anyway; with the
// scheduler's autogroups (a plain desktop) a nice value only orders processes within the
// build's own session.
#pragma once

#include "integrations/make/capacity.hpp"
#include "jobserver/makeflags.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ferry::integrations {

// Set in the command's environment: identifies the pool, so a `ferry make` started under
// it joins it instead of making a second one (see docs/jobserver.md, "Nested builds").
inline constexpr const char* kPoolEnv = "FERRY_JOBSERVER_POOL";

struct SessionOptions {
    std::vector<std::string> argv; // argv[0] is looked up on PATH unless `program` is set
    std::string program;
    std::vector<std::string> env; // KEY=VALUE for the command; MAKEFLAGS is replaced
    jobserver::ChildStyle style = jobserver::ChildStyle::pipe;
    bool follow_capacity = true; // false: the size stays as at the start
    int poll_interval_ms = 1000;
    std::string name = "ferry"; // for messages: "ferry make"
    // Called once the command has exited and the pool is gone, with the status about to be
    // returned (or 128 + signal), before we exit or die by its signal: the build report.
    // Returns the status to use.
    std::function<int(int)> on_exit;
};

// Returns the command's exit status (or 128 + signal). Does not return if the command was
// killed by a signal that we then re-raise on ourselves (SIGINT, SIGTERM, ...).
int run_under_pool(const SessionOptions& options, CapacitySource& capacity);

// The identity kPoolEnv carries for a pipe (device:inode of the pipe) or a fifo (its path).
std::string pool_identity_of_fd(int fd);
// True if MAKEFLAGS in `env` points at a pool that ferry made (kPoolEnv matches it). Such a
// pool is already sized to the cluster: nested ferry commands join it.
bool inside_ferry_pool();

// Environment helpers on KEY=VALUE lists.
std::string env_get(const std::vector<std::string>& env, std::string_view key);
bool env_has(const std::vector<std::string>& env, std::string_view key);
void env_set(std::vector<std::string>& env, std::string_view key, std::string_view value);
void env_unset(std::vector<std::string>& env, std::string_view key);

} // namespace ferry::integrations
