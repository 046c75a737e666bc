// Check 4, the coordinator's view, when one is running (doctor never starts one): runners it
// has backed off and why, failures it has seen, and how many compiles ran locally for which
// reason. No coordinator is fine: it starts with the first build.
#pragma once

#include "config/hosts.hpp"
#include "doctor/finding.hpp"
#include "ipc/messages.hpp"

#include <optional>
#include <vector>

namespace ferry::doctor {

// Findings from a status; nullopt: no coordinator is running for this configuration.
std::vector<Finding> coordinator_findings(const std::optional<proto::IpcStatus>& status);

// Asks the running coordinator for `config` (without starting one) and reports; a
// coordinator that does not answer within `timeout_ms` is a warning, not a hang.
std::vector<Finding> check_coordinator(const config::Config& config, int timeout_ms);

} // namespace ferry::doctor
