#include "integrations/make/report_hook.hpp"

#include "integrations/make/build_env.hpp"
#include "integrations/make/child_run.hpp"
#include "util/subprocess.hpp"

#include <csignal>
#include <cstdio>

namespace ferry::integrations {

std::optional<ReportedBuild> begin_reported_build(const std::vector<std::string>& args,
                                                  const std::string& hosts_flag,
                                                  std::vector<std::string>& env, const char* name) {
    auto split = report::split_report_options(args);
    if (!split) {
        std::fprintf(stderr, "%s: %s\n%s", name, split.error().message.c_str(),
                     report::kReportUsage);
        return std::nullopt;
    }
    auto r = report::BuildReport::begin(split->options, hosts_flag, env, name);
    if (!r) {
        std::fprintf(stderr, "%s: %s\n", name, r.error().message.c_str());
        return std::nullopt;
    }
    return ReportedBuild{std::move(split->tool_args), std::move(*r)};
}

int exec_or_run(report::BuildReport& report, const std::vector<std::string>& argv,
                const std::vector<std::string>& env, const char* name) {
    if (!report.watching()) exec_with_env(argv, env, name);
    ChildExit e = run_child(argv, env, name);
    int status = report.end(e.term_signal ? 128 + e.term_signal : e.exit_code);
    if (e.term_signal == SIGINT || e.term_signal == SIGTERM || e.term_signal == SIGHUP ||
        e.term_signal == SIGQUIT)
        die_by_signal(e.term_signal);
    return status;
}

void end_report_on_exit(SessionOptions& options, report::BuildReport& report) {
    options.on_exit = [&report](int status) { return report.end(status); };
}

} // namespace ferry::integrations
