// Follows one build on the coordinator: a watcher connection (IpcWatch on the build id)
// opened before the build starts, read by a thread of its own while the build runs, which
// keeps the build's jobs in flight (for the progress title) and collects every finished
// job (for the summary and the trace). After the build exits, finish() drains what the
// coordinator still has to say: it reads until no job of the build is left in flight, by
// the watch's own view and by the snapshot of a second, short-lived watch, and nothing came for
// 100 ms — at most 3 s, then the result is marked incomplete.
//
// A coordinator that goes away, sends garbage or stalls mid-frame costs the report, never
// the build: the thread stops reading, finish() unblocks it (shutdown of the socket) and
// says the result is incomplete.
#pragma once

#include "config/hosts.hpp"
#include "ipc/coordinator_client.hpp"
#include "ipc/messages.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace ferry::integrations::report {

// What is going on now, for the progress title.
struct LiveCounts {
    uint64_t done = 0;    // finished compiles (links and preprocess steps are not jobs)
    uint64_t running = 0; // scanning, on a runner or compiling here
    uint64_t queued = 0;  // waiting for a local or a runner slot
};

struct WatchResult {
    std::vector<proto::JobView> finished;
    uint64_t start_us = 0;   // the coordinator's clock when the watch began
    bool incomplete = false; // the coordinator went away or the drain timed out
    std::string problem;     // why, when incomplete
};

class BuildWatch {
  public:
    // Called on the watch thread, at most every `interval_ms`, and once at the end.
    using ProgressFn = std::function<void(const LiveCounts&)>;

    // Connects (starting the coordinator if needed), sends the watch and reads its first
    // snapshot, so every job the build starts afterwards is seen.
    static Result<std::unique_ptr<BuildWatch>> start(const config::Config& config,
                                                     const std::string& hosts_flag,
                                                     const std::string& build_id,
                                                     ProgressFn progress = {});
    ~BuildWatch();
    BuildWatch(const BuildWatch&) = delete;
    BuildWatch& operator=(const BuildWatch&) = delete;

    // The build has exited: drain, stop the thread, hand over what was collected.
    WatchResult finish();

    // For start() only (make_unique needs a public constructor).
    struct Private {};
    BuildWatch(Private, config::Config config, std::string hosts_flag, std::string build_id,
               ipc::CoordinatorClient watcher, Fd wake_read, Fd wake_write);

  private:
    void run(const ProgressFn& progress);
    // False when the connection is lost or the frame is not one a watcher gets.
    bool handle(const proto::Frame& frame);
    bool board_has_our_jobs();
    LiveCounts counts() const;

    config::Config m_config;
    std::string m_hosts_flag;
    std::string m_build;
    ipc::CoordinatorClient m_watcher;
    Fd m_wake_read, m_wake_write;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
    std::promise<void> m_done;
    bool m_joined = false;

    // Owned by the thread until it ends.
    WatchResult m_result;
    std::map<uint64_t, proto::JobView> m_live; // by job id
};

} // namespace ferry::integrations::report
