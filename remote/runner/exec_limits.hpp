// Resource limits for compilers. uv_spawn has no hook between fork and exec, so ferryd runs
// a trampoline: `ferryd-exec --exec-with-limits CPU AS FSIZE PROGRAM -- ARGV...` sets the
// limits in the child and execv()s the compiler, which keeps the pid (the job's timeout and
// kill still hit the compiler) and needs no shell. ferryd-exec is this file alone with a
// static C++ runtime, installed next to ferryd: starting it costs a third of re-executing
// ferryd itself (1.7 ms a job, measured), which ferryd falls back to when it is missing.
#pragma once

#include "remote/runner/options.hpp"
#include "remote/runner/sandbox.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ferry::runner {

inline constexpr const char* kExecWithLimits = "--exec-with-limits";

inline constexpr const char* kSandboxCheck = "--check";

// The argv that makes the trampoline run `program` as `argv` under `limits`, inside the
// sandbox when `sandbox` is given (then `program` is a path inside the job).
std::vector<std::string> trampoline_argv(const ResourceLimits& limits, const std::string& program,
                                         const std::vector<std::string>& argv,
                                         const std::optional<SandboxSpec>& sandbox = {});
// The argv that makes the trampoline enter `sandbox` and exit 0 without running anything:
// how ferryd learns at start-up whether this machine can sandbox jobs.
std::vector<std::string> sandbox_check_argv(const SandboxSpec& sandbox);

struct TrampolineCall {
    std::optional<SandboxSpec> sandbox;
    bool check_only = false;
    ResourceLimits limits;
    std::string program;
    std::vector<std::string> argv;
};
// Parses what trampoline_argv() built (argv[0] is ferryd itself). nullopt if malformed.
std::optional<TrampolineCall> parse_trampoline(int argc, char** argv);

// Runs the trampoline: never returns (exit 127 with a message when exec fails).
[[noreturn]] void exec_with_limits(int argc, char** argv);

// What runs the trampoline: `ferryd-exec` next to the running ferryd (`self`, the resolved
// path of its executable) when it is there, else ferryd itself.
std::string exec_helper_path(const std::string& self);

} // namespace ferry::runner
