// Runs a build tool as a child and waits for it, for the cases that would otherwise exec
// into it (the user's own -jN, ninja < 1.13) but where ferry has something left to do
// afterwards: the build summary and the --trace file. The child stays in our process group,
// so a terminal's Ctrl-C reaches it directly; we ignore SIGINT/SIGQUIT while it runs (as
// system() does) and pass SIGTERM/SIGHUP on to it.
#pragma once

#include <string>
#include <vector>

namespace ferry::integrations {

struct ChildExit {
    int exit_code = 0;   // 127 if it could not be started
    int term_signal = 0; // the signal that killed it, or 0
};

// argv[0] is looked up on PATH; `env` is KEY=VALUE; `name` is for messages.
ChildExit run_child(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                    const char* name);

} // namespace ferry::integrations
