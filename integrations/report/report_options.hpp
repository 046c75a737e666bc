// ferry's own options for `ferry make` / `ferry ninja` / `ferry run` (the build summary,
// --trace, the progress title), taken off the front of the build tool's arguments. The rule:
// ferry's options come first; the first argument that is not one of them ends them, and so
// does `--` (which is dropped). Everything after goes to make/ninja/the command verbatim, so
// no option of theirs is ever taken: make's own `--trace` is written after `--`
// (`ferry make -- --trace`) or after any make argument (`ferry make -j4 --trace`).
#pragma once

#include "util/result.hpp"

#include <string>
#include <vector>

namespace ferry::integrations::report {

enum class SummaryMode {
    automatic, // when stderr is a terminal
    always,    // --summary
    never,     // --quiet
};

struct ReportOptions {
    std::string trace_path; // --trace FILE (empty: no trace)
    SummaryMode summary = SummaryMode::automatic;
    bool quiet = false; // --quiet: no summary, no progress
};

struct SplitArgs {
    ReportOptions options;
    std::vector<std::string> tool_args; // the rest, for the build tool
};

// Errc::invalid for `--trace` without its FILE (or with an empty one).
Result<SplitArgs> split_report_options(const std::vector<std::string>& args);

// The usage lines for the options above, for `ferry --help` and error messages.
extern const char* const kReportUsage;

} // namespace ferry::integrations::report
