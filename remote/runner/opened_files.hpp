// The files a compile opened, for a job whose include list the coordinator must prove
// (JobRequest::list_opened, docs/include-analysis.md "The proof step"). The compile is asked
// for a make rule (-MD -MF into the job's private directory): gcc records -H in the object's
// DW_AT_producer (measured with gcc 12: another object than a local compile's), and -H's
// lines share stderr with the user's diagnostics, where a `#pragma message` can print a line
// that looks like one; -MD/-MF change neither the object nor stderr (measured, gcc 12 and
// clang 14), and gcc and clang write the rule even when the compile fails.
#pragma once

#include "remote/protocol/messages.hpp"
#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::runner {

// The rule's file name inside the job's private directory (TMPDIR of the compile).
inline constexpr std::string_view kOpenedRuleName = "ferry-opened.d";

// Whether `args` already carry a dependency option (-M*, -Wp,-M*): then the runner cannot
// add its own without changing what the user's options write, and lists nothing.
bool has_dependency_option(const std::vector<std::string>& args);

// The options the runner adds to the compile to have the rule written at `rule_path`.
std::vector<std::string> opened_rule_args(std::string_view rule_path);

// The rule's prerequisites: the files opened (the source, every header, forced includes),
// spelled as the compiler did; `root` (an unsandboxed runner's mirror, else empty) is
// removed from their front. Errc::invalid when the text is not one rule.
Result<std::vector<std::string>> opened_from_rule(std::string_view rule, std::string_view root);

// Reads the rule at `path` without following a link; see opened_from_rule.
Result<std::vector<std::string>> read_opened(const std::string& path, std::string_view root);

// A job whose arguments carry the user's dependency options (include_analysis = "on" with
// -MD/-MMD, sandboxed only: arg_policy.hpp): one compile writes one depfile, so the user's
// own rule, returned among `outputs`, is the list (for -MMD without system headers; the
// coordinator knows, include_proof.hpp). Its prerequisites; Errc::invalid when the depfile is
// not among the outputs or is not a depfile (compiler::parse_depfile).
Result<std::vector<std::string>> opened_from_depfile(std::string_view compiler_name,
                                                     const std::vector<std::string>& args,
                                                     const std::vector<proto::OutputFile>& outputs);

} // namespace ferry::runner
