// include_analysis = "on" for a unit with dependency options (docs/include-analysis.md, "On"):
// the wrapper runs no scan, so the depfile is written by the runner's compile, which has the
// client's paths and the user's own options (compiler::Analysis::depfile_args), and comes
// back as an output. The wrapper writes it like the object, by a rename; the compiler writes
// it in place (fopen "w"), so the two agree only when the path holds nothing or a regular
// file with one link and the mode a new file gets: otherwise the unit keeps the scan.
#pragma once

#include "client/outputs.hpp"
#include "compiler/args.hpp"

#include <optional>
#include <string>

namespace ferry::client {

// Why a unit with a depfile must keep the scan under "on" (counted by the coordinator as
// the scan's reason), or nullopt. `umask`: the process's, which decides a new file's mode.
std::optional<std::string> depfile_keeps_scan(const compiler::Analysis& analysis, unsigned umask);

// The process's umask (set and set back: the only way to read it before Linux 4.7).
unsigned current_umask();

// `analysis` as the runner compiles it under "on": the user's dependency options in its
// remote arguments, and the depfile among its outputs.
compiler::Analysis with_remote_depfile(compiler::Analysis analysis);

// Whether the runner writes the depfile of `analysis` (with_remote_depfile's result).
bool depfile_is_remote(const compiler::Analysis& analysis);

// The depfile among the runner's outputs of a failed compile: gcc and clang write the rule
// even when the compile fails (measured, gcc 12 and clang 14), so the wrapper writes it
// then too. Nothing when the depfile is not remote or did not come back.
OutputSelection failed_compile_depfile(const OutputSelection& selection,
                                       const compiler::Analysis& analysis);

} // namespace ferry::client
