// `ferry run -- COMMAND...`: what `ferry make` does, for any command. The command and every
// jobserver client under it get MAKEFLAGS with a cluster-sized pool (both the pipe and the
// fifo style) and CC/CXX pointing at the ferry wrapper unless the user set them.
#pragma once

#include <string>
#include <vector>

namespace ferry::integrations {

// `command` is ferry's report options (integrations/report/report_options.hpp), then the
// program and its arguments; `hosts_flag` is ferry's --hosts value (may be
// empty). Returns the command's exit status (128 + signal if it was killed).
int run_command(const std::vector<std::string>& command, const std::string& hosts_flag);

} // namespace ferry::integrations
