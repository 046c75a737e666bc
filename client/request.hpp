// Turning a scanned compile into the coordinator's IpcCompile: which environment variables
// travel (only those that change what the compiler prints or writes), whether the runner
// should colour diagnostics (it has no terminal; ours decides), and the file list.
#pragma once

#include "compiler/args.hpp"
#include "compiler/scan.hpp"
#include "ipc/messages.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::client {

// The variables a remote compile needs, from `env` (KEY=VALUE), only those set.
proto::EnvList forwarded_environment(const std::vector<std::string>& env);

// Colour as gcc/clang would choose it locally with -fdiagnostics-color=auto: our stderr is a
// terminal that is not "dumb", unless the command line already decides.
bool wants_color(bool stderr_is_tty, const char* term, const std::vector<std::string>& args);

// gcc (getpwd) and clang (current_path) record $PWD, not getcwd(), as DW_AT_comp_dir when
// it is absolute and names the same directory as ".": a build entered through a symbolic
// link records the link's path. The value of PWD when it does so and differs from `cwd`
// (the physical directory), to travel with the job; "" otherwise. Not checked here for
// being normalised: the coordinator compiles locally when it is not (the job could not
// make it resolve the same way), so that a local compile says why in its log.
std::string logical_cwd(const std::vector<std::string>& env, const std::string& cwd);

struct CompileInputs {
    std::string compiler_path; // resolved, absolute
    std::string compiler_name; // as called: decides the driver
    std::string cwd;
    std::vector<std::string> env; // KEY=VALUE
    bool stderr_is_tty = false;
    const char* term = nullptr;
};

proto::IpcCompile build_request(const CompileInputs& in, const compiler::Analysis& analysis,
                                const compiler::ScanResult& scan);

} // namespace ferry::client
