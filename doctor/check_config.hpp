// Check 1, the configuration: does hosts.toml / $FERRY_HOSTS load (config refuses a runner
// listed twice, with its line), does it name any runner, are its key files usable (present,
// readable, mode 0600 or tighter, a key inside). Reads files only; no network.
#pragma once

#include "config/hosts.hpp"
#include "doctor/finding.hpp"
#include "util/result.hpp"

#include <vector>

namespace ferry::doctor {

// Findings for the result of config::load (its error names file, line and key).
std::vector<Finding> check_config(const Result<config::Config>& loaded);

// One key file (used by check_config for each distinct key file).
std::vector<Finding> check_key_file(const std::string& path);

} // namespace ferry::doctor
