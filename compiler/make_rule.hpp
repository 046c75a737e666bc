// One make rule as gcc and clang write it (-M, -MD): the client's -M pass for forced
// includes reads it, and so does the runner for the files a compile opened (the depfile it
// asks for when the coordinator must prove an include analysis' answer). Pure, no I/O.
#pragma once

#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::compiler {

struct MakeRule {
    std::vector<std::string> targets;
    std::vector<std::string> prerequisites;
};

// One rule: backslash-newline continuations, "\ " and "\#" (2n backslashes before a space
// or '#' stand for n, 2n+1 for n and the character itself), "$$". Errc::invalid for anything
// else: a second rule (a file name with a newline is written raw and ends the rule), a
// comment, a lone '$' among the prerequisites (the targets may have one: -MT writes its
// value verbatim), no ':'.
Result<MakeRule> parse_make_rule(std::string_view text);

// A depfile as -MD/-MMD write it: one rule, then with -MP a phony rule per prerequisite
// other than the first (gcc without blank lines between them, clang with). Each phony rule
// must name one of the first rule's prerequisites and have none of its own: anything else
// (a file name with a newline, which both compilers write raw) is Errc::invalid, never a
// shorter list. The first rule is returned.
Result<MakeRule> parse_depfile(std::string_view text);

} // namespace ferry::compiler
