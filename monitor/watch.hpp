// `ferry mon`'s view of the coordinator: a watch (proto::IpcWatch), not a poll. The
// coordinator sends one snapshot, then an event at every job's change of phase and a fresh
// snapshot when a runner changes state; a Board keeps the table current between them. So a
// refresh costs the coordinator nothing, and a job that starts and ends between two
// refreshes still moves the counts.
#pragma once

#include "config/hosts.hpp"
#include "ipc/coordinator_client.hpp"
#include "monitor/board.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace ferry::monitor {

class CoordinatorWatch {
  public:
    // Watches the coordinator already running for `config` (never starts one); nullopt if
    // none answers with its snapshot within `timeout_ms`, which also bounds every read.
    static std::optional<CoordinatorWatch> open(const config::Config& config,
                                                const std::string& hosts_flag, int timeout_ms);

    // Applies what has arrived, without waiting. False: the coordinator is gone (or sent
    // what a watcher never gets); the watch is unusable.
    bool take_news();
    // The table as of now: the coordinator's clock moved on by the time since it last spoke,
    // so a job's time in its phase keeps counting between events.
    proto::IpcJobs view() const;
    // Readable when news has come (poll).
    int fd() const { return m_client.fd(); }

  private:
    explicit CoordinatorWatch(ipc::CoordinatorClient client) : m_client(std::move(client)) {}
    bool apply(const proto::Frame& frame);

    ipc::CoordinatorClient m_client;
    Board m_board;
    std::chrono::steady_clock::time_point m_heard; // when the board's clock was the coordinator's
};

} // namespace ferry::monitor
