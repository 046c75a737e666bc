// The command a job runs: the allowlisted compiler, the client's arguments re-rooted into the
// mirror, and the options that make the mirror invisible in the result (-nostdinc with the
// client's built-in include directories under the root, -ffile-prefix-map=<root>=). Also the
// job's environment and the clean-up of its output. Pure functions, no I/O.
#pragma once

#include "compiler/identity.hpp"
#include "remote/protocol/messages.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::runner {

struct CompileCommand {
    std::string program;           // absolute path of the compiler
    std::vector<std::string> argv; // argv[0] is the allowlist name
    std::vector<std::string> env;  // KEY=VALUE
    std::string cwd;               // <root> + client cwd
};

// Client variables that may reach the compiler: locale and reproducibility settings only.
// Anything that changes what is read or run (CPATH, COMPILER_PATH, GCC_EXEC_PREFIX,
// LD_PRELOAD...) never does. A value containing '/' is dropped too: none of these needs one,
// and glibc reads a locale name with a slash as a path to load.
bool is_allowed_env(std::string_view name);
// PWD is the exception: gcc and clang record it as DW_AT_comp_dir when it names the working
// directory (a build entered through a symbolic link), so it travels when it is an
// absolute, normalised path.
bool is_allowed_pwd(std::string_view value);

// `rerooted_args` come from compiler::reroot_args(request.args, root, request.cwd).
// `job_dir` is the job's private directory (outside the root), used as TMPDIR.
CompileCommand build_compile_command(const compiler::Identity& compiler,
                                     const proto::JobRequest& request, std::string_view root,
                                     const std::vector<std::string>& rerooted_args,
                                     std::string_view job_dir, std::string_view path_env);

// A sandboxed job: the client's own command line, its own compiler at its own path, run in
// the job's file system (remote/runner/sandbox.hpp). `job_dir` is where the trampoline starts.
CompileCommand build_sandboxed_command(const proto::JobRequest& request, std::string_view job_dir);

// JobRequest::list_opened and nothing in the way (remote/runner/opened_files.hpp): the
// command asks for a make rule of the files opened, at opened_rule_path(<its TMPDIR>). With
// the user's dependency options in the way, their depfile is the list (opened_from_depfile).
bool lists_opened(const proto::JobRequest& request);
std::string opened_rule_path(std::string_view tmpdir);

// Every occurrence of `root` removed, so paths in diagnostics read as on the client.
std::string strip_root(std::string_view text, std::string_view root);

// The source file named in `args`, for the log line ("?" when there is none).
std::string source_of(std::string_view compiler_name, const std::vector<std::string>& args);

} // namespace ferry::runner
