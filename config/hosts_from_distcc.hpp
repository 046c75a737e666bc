// `ferry hosts --from-distcc SPEC`: a distcc user's DISTCC_HOSTS turned into the hosts.toml
// that describes the same cluster, so moving to ferry is one command and the result is a file
// the user can read, comment and extend (per-runner keys, names) rather than a variable.
// The text is written for ferry's own parser: a unit test reads it back with
// parse_hosts_toml and compares the clusters. What distcc has and ferry does not need
// (--randomize, ,lzo, ,cpp) becomes a comment saying why; what ferry cannot do (ssh runners,
// zeroconf, GSSAPI) is an error naming the word, as $FERRY_HOSTS has it.
#pragma once

#include "config/hosts.hpp"
#include "util/result.hpp"

#include <string>
#include <string_view>

namespace ferry::config {

// `source` starts each error message (e.g. "--from-distcc").
Result<std::string> hosts_toml_from_distcc(std::string_view spec, std::string_view source);

// A TOML basic string: quotes, with `"`, `\` and control characters escaped.
std::string toml_quoted(std::string_view text);

} // namespace ferry::config
