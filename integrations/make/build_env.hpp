// What every ferry-run build tool gets besides the pool: CC/CXX pointing at the ferry
// wrapper (unless the user chose a compiler), and the version of the tool, which decides
// the jobserver style it is given.
#pragma once

#include "jobserver/makeflags.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ferry::integrations {

// realpath of /proc/self/exe; "ferry" if that fails.
std::string self_path();

// Sets CC="<ferry> cc" and CXX="<ferry> c++" in `env` unless CC (CXX) is already in the
// environment or given as a variable assignment among `tool_args` ("CC=clang"): the user's
// choice always wins. Returns the names it set, for messages.
std::vector<std::string> set_wrapper_compilers(std::vector<std::string>& env,
                                               const std::vector<std::string>& tool_args);

// Major and minor version from `program --version` ("GNU Make 4.3", "1.11.1").
std::optional<std::pair<int, int>> tool_version(const std::string& program);
std::optional<std::pair<int, int>> parse_version(std::string_view version_output);

// True if `args` set the job count themselves (-j, -jN, --jobs, --jobs=N, -j N).
bool has_jobs_option(const std::vector<std::string>& args);

// The jobserver style `ferry make` gives make: the one the user asked make for with
// make 4.4's `--jobserver-style=fifo|pipe` (`--jobserver-style X`) among `make_args` —
// make only uses it for a pool it creates, and under ferry the pool is ferry's — else make
// >= 4.4's default, the fifo, and the pipe for older makes (4.3 stops on a fifo) or an
// unknown version.
jobserver::ChildStyle make_jobserver_style(const std::vector<std::string>& make_args,
                                           std::optional<std::pair<int, int>> make_version);

// Replaces this process with argv[0] (looked up on PATH) under `env`. Used when there is no
// pool of ours to look after: joining an outer ferry pool, or the user's own -jN.
[[noreturn]] void exec_with_env(const std::vector<std::string>& argv,
                                const std::vector<std::string>& env, const char* name);

} // namespace ferry::integrations
