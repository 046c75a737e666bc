// `ferry ninja [NINJA ARGS...]`: runs ninja at the cluster's capacity. ninja >= 1.13 is
// handed the fifo jobserver; older ninja (Debian's 1.11 has no jobserver client) gets
// -j = capacity plus a generated manifest that includes build.ninja and caps the `link`
// pool (and the console) at the local slots. See docs/jobserver.md.
#pragma once

#include <string>
#include <vector>

namespace ferry::integrations {

// `args` are ferry's report options (integrations/report/report_options.hpp) then ninja's
// arguments (without "ninja"); `hosts_flag` is ferry's --hosts value.
// Returns ninja's exit status (128 + signal if ninja was killed).
int ninja_command(const std::vector<std::string>& args, const std::string& hosts_flag);

} // namespace ferry::integrations
