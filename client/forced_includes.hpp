// The files a compile reads that the scan's -H does not list, from one more cheap pass whose
// make rule (-M) lists them. Two cases (compiler::MakeRulePass), both measured:
// - -include/-imacros: neither gcc nor clang lists a forced include, or what it includes, in
//   -H output. The pass runs the same arguments on an empty translation unit; forced includes
//   are processed first, before the source and in the same macro context, so its rule lists
//   exactly the files they read, system headers included.
// - clang -MMD: the scan cannot use -H at all (the driver's -H puts system headers into the
//   depfile, cc1's own -H lists none), so the pass runs on the source itself.
// A file name the make format cannot carry makes the job run locally.
#pragma once

#include "client/scan_files.hpp"
#include "compiler/args.hpp"
#include "compiler/make_rule.hpp"
#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::client {

// The target the pass asks for (-MT), so the rule's first word is known.
inline constexpr std::string_view kMakeRuleTarget = "ferry-make-rule";

using compiler::MakeRule;
using compiler::parse_make_rule;

// `make_rule_args` + "-M -MT <target>" + "-x <language> /dev/null" or the source.
std::vector<std::string> make_rule_pass_args(const compiler::Analysis& analysis);

// The files of the pass's rule (`make_output`, run in `cwd`), as the compiler spelled them,
// without /dev/null. Errc::compile_locally when the rule cannot be trusted: a listed file
// that is not a regular file means a name the format could not carry (clang writes '\' as
// '/'); Errc::invalid when it is not one rule for kMakeRuleTarget.
Result<std::vector<std::string>> make_rule_files(std::string_view make_output, std::string_view cwd,
                                                 const FileExists& exists = regular_file_exists);

// Runs the pass with `compiler_path` in `cwd`. An error (the compiler failed, the rule
// cannot be trusted) means: compile locally.
Result<std::vector<std::string>> list_make_rule_files(const std::string& compiler_path,
                                                      const compiler::Analysis& analysis,
                                                      std::string_view cwd);

} // namespace ferry::client
