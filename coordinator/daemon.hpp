// The coordinator daemon: one per user and configuration, started on demand by the wrapper
// (`ferry coordinator`). It owns the persistent connections to the runners, the local slot
// pool, and the scheduling of remote compiles, and exits on its own once idle. The wrapper
// talks to it over a unix socket (see client/coordinator_client.hpp); any failure there
// only means "compile locally".
#pragma once

#include <string>

namespace ferry::coordinator {

struct DaemonOptions {
    std::string hosts_flag;  // --hosts FILE given to ferry, "" if none
    std::string socket_path; // where to listen (from paths.hpp)
    bool foreground = false; // log to stderr instead of the log file
};

// Runs the coordinator until it has been idle for the configured time or is told to shut down.
// Returns the process exit status.
int run_daemon(const DaemonOptions& options);

} // namespace ferry::coordinator
