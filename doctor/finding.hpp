// `ferry doctor`'s unit of output: one thing it looked at and what it found, with the
// concrete fix when something is wrong. Checks return findings and never print, so each
// check is testable on its own and the renderer (text or JSON) decides the presentation.
#pragma once

#include <string>
#include <vector>

namespace ferry::doctor {

enum class Severity {
    ok,      // checked and fine
    info,    // worth knowing, nothing to fix (no coordinator running, local fallbacks)
    warning, // works, but not as the user probably wants (no runners: everything is local)
    problem, // broken: compiles will not go where they should
};

// The groups of the report, in the order they are printed.
enum class Section { configuration, runners, compilers, coordinator };

struct Finding {
    Section section = Section::configuration;
    Severity severity = Severity::ok;
    std::string subject; // what was checked: a file, a runner, a compiler
    std::string what;    // what was found
    std::string fix;     // what to do about it; empty for ok and info
};

const char* section_name(Section section);
const char* severity_name(Severity severity);

struct Tally {
    size_t problems = 0;
    size_t warnings = 0;
};
Tally tally(const std::vector<Finding>& findings);

// 0: nothing is wrong (warnings allowed); 1: at least one problem. (2, a usage error, is the
// command line's.)
int exit_status(const std::vector<Finding>& findings);

} // namespace ferry::doctor
