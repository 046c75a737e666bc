// Speculative start of a remote compile: before the wrapper scans a unit, it asks the
// coordinator for the request this unit (same compiler, directory and command line) made
// last time and sends it at once on a second connection, so the runner compiles while the
// scan runs. When the scan ends, the request it yields is compared with the speculative one,
// field by field (paths, search directories, arguments, environment): equal, the speculative
// answer is the answer; different, the second connection is closed unread and the
// coordinator drops that job. File contents need no comparison: the coordinator reads and
// hashes them when it sends the job, as it would for the confirmed request.
//
// What it buys: the scan's latency on every rebuild of a unit (the remote compile no longer
// waits for it). What it costs: a wasted remote compile when a unit's header list changed.
#pragma once

#include "config/hosts.hpp"
#include "ipc/coordinator_client.hpp"
#include "ipc/messages.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ferry::client {

// Names a unit for the coordinator's memo: everything that decides its request except what
// the scan finds.
std::string speculation_key(const std::string& compiler_path, const std::string& compiler_name,
                            const std::string& cwd, const std::vector<std::string>& args);

// True if `confirmed` (from this scan) is the request that was started speculatively.
bool same_request(const proto::IpcCompile& speculative, const proto::IpcCompile& confirmed);

class Speculation {
  public:
    // Asks the memo and, when it knows `key`, sends its request. nullopt when there is
    // nothing to start (a unit never built, a coordinator that cannot be reached): the
    // wrapper then simply goes the usual way.
    static std::optional<Speculation> start(const config::Config& config,
                                            const std::string& hosts_flag, const std::string& key);

    const proto::IpcCompile& request() const { return m_request; }
    // Waits for the speculative job's answer; an error (the coordinator went away) sends the
    // wrapper the usual way with its confirmed request.
    Result<proto::IpcCompileResult> result() { return m_client.receive_compile_result(); }
    // Says the answer (remote or "compile here") is the one used; best effort (it only feeds
    // the log and the counters).
    void confirm() { (void)m_client.confirm_speculation(); }

  private:
    Speculation(ipc::CoordinatorClient client, proto::IpcCompile request)
        : m_client(std::move(client)), m_request(std::move(request)) {}
    ipc::CoordinatorClient m_client;
    proto::IpcCompile m_request;
};

} // namespace ferry::client
