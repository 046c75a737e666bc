// `ferry hosts --from-distcc SPEC`: prints the hosts.toml equivalent to a DISTCC_HOSTS list
// (config/hosts_from_distcc.hpp), for users moving from distcc. Its arguments are read here
// rather than by CLI11, because SPEC is often a whole DISTCC_HOSTS value that starts with
// "--randomize" or "--localslots=N", which an option parser takes for an option of its own.
#pragma once

#include <string>
#include <vector>

namespace ferry::client {

// `args` follow the word "hosts". Exit status: 0 (the file on stdout), 2 for a usage error
// or a word of SPEC that ferry cannot take (the message names it, on stderr).
int hosts_command(const std::vector<std::string>& args);

} // namespace ferry::client
