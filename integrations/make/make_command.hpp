// `ferry make [MAKE ARGS...]`: runs GNU make under a jobserver whose tokens are the cluster's
// slots (the remote capacity the coordinator reports plus the local slots), so nobody guesses
// -j. make, recursive $(MAKE), gcc -flto=jobserver and any other jobserver client under it
// share one pool, and the pool follows the cluster while the build runs. CC/CXX point at the
// ferry wrapper unless the user set them. See docs/jobserver.md.
#pragma once

#include <string>
#include <vector>

namespace ferry::integrations {

// `args` are ferry's report options (integrations/report/report_options.hpp) then make's
// arguments (without "make"); `hosts_flag` is ferry's --hosts value (may
// be empty). Returns make's exit status (128 + signal if make was killed).
int make_command(const std::vector<std::string>& args, const std::string& hosts_flag);

} // namespace ferry::integrations
