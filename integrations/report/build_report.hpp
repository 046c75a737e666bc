// What `ferry make`/`run`/`ninja` add around a build: its id in $FERRY_BUILD, the watch,
// the progress title, and at the end the summary on stderr and the --trace file. begin()
// before the build starts, end() once it has exited (whatever its status).
//
// When to show what: the summary when stderr is a terminal or --summary, never with
// --quiet; the progress title only on a terminal, never with --quiet; the watch runs only
// when one of them or --trace wants it. A watch that cannot start (no coordinator) costs a
// warning, never the build.
#pragma once

#include "integrations/report/build_watch.hpp"
#include "integrations/report/progress.hpp"
#include "integrations/report/report_options.hpp"
#include "integrations/report/trace_file.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ferry::integrations::report {

class BuildReport {
  public:
    // Sets $FERRY_BUILD in `env` (KEY=VALUE list). Errc::invalid/io for a --trace FILE
    // that cannot be written: report it and do not build.
    static Result<std::unique_ptr<BuildReport>> begin(const ReportOptions& options,
                                                      const std::string& hosts_flag,
                                                      std::vector<std::string>& env,
                                                      std::string name);
    ~BuildReport();
    BuildReport(const BuildReport&) = delete;
    BuildReport& operator=(const BuildReport&) = delete;

    // True if the build must be waited for (not exec'd into): something is to be shown.
    bool watching() const { return m_watch != nullptr || m_trace.has_value(); }
    // The build exited with `status`: prints the summary, writes the trace. Returns the
    // status ferry exits with: the build's, or 1 if the build succeeded but the trace
    // could not be written.
    int end(int status);
    const std::string& build_id() const { return m_build; }

    struct Private {};
    BuildReport(Private, std::string name, std::string build, bool summary);

  private:
    std::string m_name;
    std::string m_build;
    bool m_summary = false;
    bool m_ended = false;
    std::optional<TraceFile> m_trace;
    std::unique_ptr<TitleProgress> m_progress;
    std::unique_ptr<BuildWatch> m_watch;
};

} // namespace ferry::integrations::report
