// Running the real compiler on this machine, exactly as without ferry: our stdin, stdout and
// stderr, our environment, and its exit status (or its fatal signal) passed on unchanged.
#pragma once

#include "util/subprocess.hpp"

#include <string>
#include <vector>

namespace ferry::client {

// Runs `compiler_path` with `args`; returns the process outcome, or exit code 127/126 with
// a message on stderr when it cannot be started.
ProcessResult run_compiler_here(const std::string& compiler_path,
                                const std::vector<std::string>& args);

// The status this process should end with for `result`: the exit code, or the signal
// re-raised on ourselves (so make sees "killed by SIGSEGV" as it would without ferry), with
// 128 + signal if we survive it.
[[noreturn]] void exit_like(int exit_code, int term_signal);

} // namespace ferry::client
