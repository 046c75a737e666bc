// A watcher's picture of the coordinator (`ferry mon`, the dashboard), kept current between
// snapshots. The
// coordinator sends a full IpcJobs only when a runner changes state; in between, each
// IpcJobEvent moves one job, and the counts a page shows (queue, slots in use, jobs done by
// outcome) are derived here from those events so /state and a newly opened page are never
// staler than the last event.
#pragma once

#include "ipc/messages.hpp"

namespace ferry::monitor {

class Board {
  public:
    void apply(proto::IpcJobs snapshot);
    void apply(const proto::IpcJobEvent& event);
    // Every job in flight and the status with its derived counts.
    const proto::IpcJobs& snapshot() const { return m_now; }

  private:
    void recount();
    proto::IpcJobs m_now;
};

} // namespace ferry::monitor
