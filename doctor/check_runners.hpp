// Check 2, each runner reached directly (not through the coordinator, which may not run or
// may hide why a runner is down): connect, read the greeting, authenticate with the key
// hosts.toml gives it, as the coordinator would. All runners are probed at once, each within
// its own timeout, so the check takes one timeout at most however many runners hang.
#pragma once

#include "config/hosts.hpp"
#include "doctor/finding.hpp"
#include "remote/probe/handshake.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ferry::doctor {

// What probing one runner gave: the handshake, or why it never started.
struct RunnerProbe {
    config::Runner runner;
    bool connected = false;
    Error connect_error;        // when not connected
    std::string key_error;      // our key file could not be loaded (then no connection is tried)
    probe::Handshake handshake; // when connected
    // Every step's bound (connect, greeting, proof), to say how long we waited.
    int timeout_ms = 0;
};

// Probes every runner in parallel; one entry per runner, in order.
std::vector<RunnerProbe> probe_runners(const std::vector<config::Runner>& runners, int timeout_ms);

// The finding for one probe: reachable and serving, or what is wrong and the fix.
Finding runner_finding(const RunnerProbe& probe);

// Whether the runner greeted and accepted us (its hello can be compared with our compilers).
bool runner_usable(const RunnerProbe& probe);

} // namespace ferry::doctor
