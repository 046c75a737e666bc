// The runner's argument policy: which compiler command lines a runner agrees to run, whatever
// their paths. It is separate from re-rooting (compiler/args.hpp, reroot_args), which rewrites
// the paths for a runner that compiles in a mirror directory; a runner whose sandbox shows
// the compiler the client's own paths needs the policy alone.
//
// Input comes from the network, so what is not known to be safe is refused: exactly one
// source, in C or C++ (by -x, else by its extension: compiler/languages.hpp), compiled with -c
// or -S; only options from the option table that are not local_only (no unknown option, no
// catch-all: -f/-g/-m spellings come from compiler/feature_options.hpp); no dependency
// options unless allowed (DependencyOptions); no response file; no empty path.
// The client's analyse() sends nothing this policy refuses (tests/fuzz/fuzz_args.cpp checks).
#pragma once

#include "util/result.hpp"

#include <string>
#include <vector>

namespace ferry::compiler {

// Whether a runner lets the user's dependency options through: only a sandboxed one, whose
// compile sees the client's paths and so writes the depfile a local compile writes
// (include_analysis = "on" sends them, docs/include-analysis.md); its file name must then be
// one of the job's outputs (runner/arg_policy.hpp checks).
enum class DependencyOptions { refused, allowed };

// ok, or Errc::refused naming the offending argument and why.
Result<void> check_policy(const std::vector<std::string>& args,
                          DependencyOptions deps = DependencyOptions::refused);

} // namespace ferry::compiler
