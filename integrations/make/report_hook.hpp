// The build report around make/run/ninja: ferry's own options off the front of the
// arguments, the report begun before the build, and the two ways a build ends — under our
// pool (SessionOptions::on_exit) or as a plain child where we would otherwise exec.
#pragma once

#include "integrations/make/pool_session.hpp"
#include "integrations/report/build_report.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ferry::integrations {

struct ReportedBuild {
    std::vector<std::string> tool_args; // the build tool's own arguments
    std::unique_ptr<report::BuildReport> report;
};

// Splits `args` and begins the report (sets $FERRY_BUILD in `env`). On a usage error or an
// unwritable --trace, prints it and returns nullopt: exit 2 without building.
std::optional<ReportedBuild> begin_reported_build(const std::vector<std::string>& args,
                                                  const std::string& hosts_flag,
                                                  std::vector<std::string>& env, const char* name);

// exec_with_env() unless the report needs us to stay: then runs it as a child, ends the
// report, and returns (or dies by) the child's status.
int exec_or_run(report::BuildReport& report, const std::vector<std::string>& argv,
                const std::vector<std::string>& env, const char* name);

// Hooks the report's end into a pool session.
void end_report_on_exit(SessionOptions& options, report::BuildReport& report);

} // namespace ferry::integrations
