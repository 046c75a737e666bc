// `ferry status` and `ferry shutdown`: what the coordinator says about the cluster, printed
// like distccmon-text, and stopping it. Both return the process exit status.
#pragma once

#include "ipc/messages.hpp"

#include <string>

namespace ferry::monitor {

// The status table: one line per runner, then each runner's compilers and backoff, capacity,
// local slots and counters.
std::string format_status(const proto::IpcStatus& status, const std::string& config_source);

// Starts the coordinator if needed, so the runners' connection states are live. `json`:
// the document of docs/status-json.md instead of the table.
int status_command(const std::string& hosts_flag, bool json = false);

// Stops the coordinator if one runs; never starts one. Exit 0 either way.
int shutdown_command(const std::string& hosts_flag);

} // namespace ferry::monitor
