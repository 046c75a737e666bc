// `ferry mon --web [ADDR:]PORT`: the live dashboard. Attaches to the running coordinator as
// a watcher (docs/protocol.md §6) and relays what it pushes to every open page over
// server-sent events, until SIGINT or SIGTERM. The page and its protocol: docs/dashboard.md.
#pragma once

#include <string>

namespace ferry::monitor::web {

// Returns the process's exit status: 0 after a signal, 1 when there is no coordinator or it
// went away, 2 for a bad address.
int dashboard_command(const std::string& hosts_flag, const std::string& listen_spec);

} // namespace ferry::monitor::web
