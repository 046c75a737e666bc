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

// Moves this process, and so the compiler it starts next, to the lowest CPU priority
// (Linux's SCHED_IDLE: it runs only when nothing else wants the CPU). For a job the
// coordinator sent back because this machine was idle (coordinator/local_offload.hpp): it
// must not slow the build's own work here. The scheduler's choice, not the compile's output:
// a refusal leaves the compile at normal priority.
void lower_to_idle_priority();

// The status this process should end with for `result`: the exit code, or the signal
// re-raised on ourselves (so make sees "killed by SIGSEGV" as it would without ferry), with
// 128 + signal if we survive it.
[[noreturn]] void exit_like(int exit_code, int term_signal);

} // namespace ferry::client
