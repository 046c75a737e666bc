// The command line of the `ferry` program: the wrapper forms are split off first (CLI11 never
// sees a compiler's arguments), then ferry's own subcommands are parsed. Lives in the
// executable because it reaches the integrations and the coordinator daemon.
#pragma once

#include <string>
#include <vector>

namespace ferry::client {

// `argv` includes argv[0]. Returns the exit status (the wrapper ends the process itself).
int run_cli(const std::vector<std::string>& argv);

} // namespace ferry::client
