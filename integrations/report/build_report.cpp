#include "integrations/report/build_report.hpp"

#include "integrations/report/build_id.hpp"
#include "integrations/report/summary.hpp"
#include "integrations/report/trace.hpp"
#include "ipc/coordinator_client.hpp"

#include <cstdio>
#include <unistd.h>

namespace ferry::integrations::report {
namespace {

void set_env(std::vector<std::string>& env, const std::string& key, const std::string& value) {
    std::erase_if(env, [&](const std::string& e) { return e.rfind(key + "=", 0) == 0; });
    env.push_back(key + "=" + value);
}

} // namespace

BuildReport::BuildReport(Private, std::string name, std::string build, bool summary)
    : m_name(std::move(name)), m_build(std::move(build)), m_summary(summary) {}

BuildReport::~BuildReport() {
    m_watch.reset(); // its thread draws on m_progress
    if (m_progress) m_progress->restore();
}

Result<std::unique_ptr<BuildReport>> BuildReport::begin(const ReportOptions& options,
                                                        const std::string& hosts_flag,
                                                        std::vector<std::string>& env,
                                                        std::string name) {
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    const bool summary = options.summary == SummaryMode::always ||
                         (options.summary == SummaryMode::automatic && tty && !options.quiet);
    const bool progress = !options.quiet && terminal_wants_progress(STDERR_FILENO);
    auto report =
        std::make_unique<BuildReport>(Private{}, std::move(name), new_build_id(), summary);
    set_env(env, ipc::kBuildEnv, report->m_build);
    if (!options.trace_path.empty()) {
        FERRY_TRY(trace, TraceFile::reserve(options.trace_path));
        report->m_trace.emplace(std::move(*trace));
    }
    if (!summary && !progress && !report->m_trace) return report;

    auto config = config::load(config::options_from_environment(hosts_flag));
    if (!config) {
        std::fprintf(stderr, "%s: no build report: %s\n", report->m_name.c_str(),
                     config.error().message.c_str());
        return report;
    }
    if (progress) report->m_progress = std::make_unique<TitleProgress>(STDERR_FILENO, true);
    BuildWatch::ProgressFn on_progress;
    if (TitleProgress* title = report->m_progress.get())
        on_progress = [title](const LiveCounts& c) { title->show(c); };
    auto watch = BuildWatch::start(*config, hosts_flag, report->m_build, std::move(on_progress));
    if (!watch) {
        std::fprintf(stderr, "%s: no build report (cannot watch the coordinator: %s)\n",
                     report->m_name.c_str(), watch.error().message.c_str());
        report->m_progress.reset();
        return report;
    }
    report->m_watch = std::move(*watch);
    return report;
}

int BuildReport::end(int status) {
    if (m_ended) return status;
    m_ended = true;
    WatchResult result;
    if (m_watch) result = m_watch->finish();
    if (m_progress) m_progress->restore();
    if (m_summary && m_watch) {
        std::string text = summary_text(summarise(result.finished), result.incomplete);
        std::fputs(text.c_str(), stderr);
    }
    if (result.incomplete && !result.problem.empty() && (m_summary || m_trace))
        std::fprintf(stderr, "%s: build report incomplete: %s\n", m_name.c_str(),
                     result.problem.c_str());
    if (m_trace) {
        TraceInput in{std::move(result.finished), result.start_us, m_build};
        if (auto written = m_trace->commit(trace_json(in)); !written) {
            std::fprintf(stderr, "%s: --trace: %s\n", m_name.c_str(),
                         written.error().message.c_str());
            if (status == 0) status = 1;
        }
    }
    std::fflush(stderr);
    return status;
}

} // namespace ferry::integrations::report
