// `ferry doctor`: checks a user's set-up — configuration, each runner reached directly, the
// compilers here against what the runners run, the running coordinator's view — and prints
// every finding with its fix (docs/doctor.md). Exit status: 0 all well (warnings allowed),
// 1 at least one problem; 2, a usage error, comes from the command line.
#pragma once

#include "doctor/finding.hpp"

#include <string>
#include <vector>

namespace ferry::doctor {

struct Options {
    std::string hosts_flag;             // --hosts
    std::vector<std::string> compilers; // --compiler PATH, checked besides those on PATH
    bool json = false;
    int timeout_ms = 3000; // each network step (connect, greeting, proof, coordinator)
};

// Every check's findings, in report order. Prints nothing.
std::vector<Finding> run_checks(const Options& options);

// run_checks, printed to stdout; returns the exit status.
int doctor_command(const Options& options);

} // namespace ferry::doctor
