#include "integrations/report/report_options.hpp"

namespace ferry::integrations::report {

const char* const kReportUsage =
    "ferry's options come before the build tool's arguments, up to the first one that is not\n"
    "one of them (or `--`): --summary (print the build summary even when stderr is not a\n"
    "terminal), --quiet (no summary, no progress), --trace FILE (a Chrome trace of every job).\n"
    "make's own --trace goes after `--`: ferry make -- --trace\n";

Result<SplitArgs> split_report_options(const std::vector<std::string>& args) {
    SplitArgs out;
    size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a == "--summary") {
            if (out.options.summary != SummaryMode::never)
                out.options.summary = SummaryMode::always;
        } else if (a == "--quiet") {
            out.options.quiet = true;
            out.options.summary = SummaryMode::never;
        } else if (a == "--trace" || a.rfind("--trace=", 0) == 0) {
            std::string file;
            if (a == "--trace") {
                // `ferry make --trace` alone is most likely make's --trace given in the wrong
                // place: say how to pass it instead of guessing.
                if (i + 1 >= args.size())
                    return make_error(Errc::invalid,
                                      "--trace needs a FILE (make's own --trace goes after `--`: "
                                      "ferry make -- --trace)");
                file = args[++i];
            } else {
                file = a.substr(8);
            }
            if (file.empty()) return make_error(Errc::invalid, "--trace needs a non-empty FILE");
            out.options.trace_path = std::move(file);
        } else {
            break;
        }
    }
    out.tool_args.assign(args.begin() + long(i), args.end());
    return out;
}

} // namespace ferry::integrations::report
