// Check 3, compilers: would a job of each compiler on this machine find a runner that can
// run it? A runner that runs toolchains (sandboxed, the default) runs the client's own
// compiler, shipped with the job; one started with --installed-compilers-only runs only its
// own, and only for a client compiler with the same identity (compiler/identity.hpp).
#pragma once

#include "compiler/identity.hpp"
#include "doctor/finding.hpp"
#include "remote/protocol/messages.hpp"

#include <string>
#include <vector>

namespace ferry::doctor {

// The compilers to check: gcc, g++, cc, c++, clang, clang++ found on `path_env`, then the
// `extra` paths (--compiler), each resolved to an absolute path, without duplicates.
std::vector<std::string> local_compiler_paths(const std::string& path_env,
                                              const std::vector<std::string>& extra);

// Probes each path; a compiler that cannot be probed is a finding of its own.
// `with_toolchain`: hash the whole toolchain for the identity a runner with installed
// compilers compares (seconds per compiler); without, a quick probe for display.
struct LocalCompilers {
    std::vector<compiler::Identity> identities;
    std::vector<Finding> failures;
};
LocalCompilers probe_local_compilers(const std::vector<std::string>& paths,
                                     bool with_toolchain = true);

// One finding per (local compiler, runner): ships the compiler, same identity, mismatched
// version, or the runner does not offer it.
std::vector<Finding> compare_compiler(const compiler::Identity& local,
                                      const std::string& runner_name,
                                      const std::string& runner_host,
                                      const proto::RunnerHello& hello);

} // namespace ferry::doctor
