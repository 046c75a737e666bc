// Starting programs without a shell. Children get only the fds we give them (every fd >= 3
// is closed in the child), so no compiler or daemon ever holds make's jobserver pipe.
#pragma once

#include "util/result.hpp"

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace ferry {

struct RunOptions {
    std::vector<std::string> argv; // argv[0] is what the program sees
    std::string program;           // path to execute; empty: argv[0] looked up on PATH
    std::string cwd;               // empty: inherit
    std::optional<std::vector<std::string>> env; // KEY=VALUE; nullopt: inherit
    bool capture_stdout = true;                  // false: inherit our stdout
    bool capture_stderr = true;                  // false: inherit our stderr
    bool stdin_null = true;                      // false: inherit our stdin
    size_t max_capture = size_t(256) << 20;      // over this the child is killed and it is an error
    // Inherited fds the child keeps besides stdio: a local compile keeps make's jobserver
    // pipe, so `gcc -flto=jobserver` behind the wrapper still finds it. Every other is closed.
    std::vector<int> keep_fds;
    // Fds the child gets as 3, 4, … in this order (spawn_attrs.hpp); with keep_fds empty only.
    std::vector<int> pass_fds;
};

struct ProcessResult {
    int exit_code = -1;  // valid when term_signal == 0
    int term_signal = 0; // signal that killed the child, or 0
    std::string out;
    std::string err;
    // The status as a shell reports it: exit code, or 128 + signal.
    int shell_status() const { return term_signal ? 128 + term_signal : exit_code; }
};

// Runs to completion, capturing output. Errors only when the program could not be started
// or waited for (Errc::not_found if it does not exist); a non-zero exit is a ProcessResult.
Result<ProcessResult> run_process(const RunOptions& options);

// Starts a long-lived helper in a new session with stdio on /dev/null and no inherited
// fds (a daemon holding a build's pipe open makes make hang at exit). Does not wait.
Result<pid_t> spawn_detached(const std::vector<std::string>& argv, const std::string& program,
                             const std::string& log_file = {});

// Replaces this process with `program` (used by the wrapper to run a compile locally with
// the exact stdio, environment and exit status the user would get without ferry).
[[noreturn]] void exec_or_die(const std::string& program, const std::vector<std::string>& argv);

// Ends this process the way a child ended by `sig` did, so that whoever waits for us (a shell,
// make) sees the same: stdio flushed, the signal's default action restored and unblocked,
// then raised; a signal whose default is not to terminate exits 128 + sig instead.
[[noreturn]] void die_by_signal(int sig);

// environ as KEY=VALUE strings.
std::vector<std::string> current_environment();

} // namespace ferry
