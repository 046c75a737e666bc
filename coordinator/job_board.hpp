// What every job is doing now: the model behind `ferry mon`, the web dashboard, `--trace`
// and the build summary, and the local-compile counters of `ferry status`. A job is one
// wrapper connection's work, from the scan under a local slot through the queue, the runner
// (send, compile, receive) or a local compile, to the connection closing. Each step becomes
// a PhaseSpan on a lane (a runner, or "local") and a slot of that lane, so a trace can draw
// one row per slot. It does no I/O and keeps no history: a finished job is handed to the
// listener once and forgotten. The listener is set only while someone watches, so a build
// nobody watches pays for a few map updates per job and no encoding.
#pragma once

#include "ipc/messages.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ferry::coordinator {

class JobBoard {
  public:
    using Key = uint64_t;                    // the wrapper's IPC connection
    using Clock = std::function<uint64_t()>; // microseconds, monotonic (uv_hrtime)
    using Listener = std::function<void(const proto::JobView& job, bool finished)>;

    explicit JobBoard(Clock clock) : m_clock(std::move(clock)) {}

    // Null: nobody watches (no event is built).
    void set_listener(Listener listener) { m_listener = std::move(listener); }

    // ---- local slots ----
    // The connection asked for a local slot (shown as waiting until granted).
    void local_requested(Key key, const proto::IpcAcquireLocal& who);
    void local_granted(Key key);
    void local_released(Key key);

    // ---- remote compiles ----
    void submitted(Key key, uint64_t job, const proto::IpcCompile& request);
    void dispatched(uint64_t job, const std::string& runner, size_t runner_index);
    void files_sent(uint64_t job);
    void result_arrived(uint64_t job, uint64_t compile_ms);
    // Back in the queue (its runner failed or refused it).
    void requeued(uint64_t job);
    // The coordinator answered the wrapper: compiled remotely, or to compile here (`reason`).
    // A speculative start's answer (remote, or "compile here") is only "unconfirmed" until
    // the wrapper says it used it: a start its scan did not confirm is not a job of the build
    // (the wrapper sends the scanned request as another job), so it must not be counted twice.
    void answered(uint64_t job, bool remote, const std::string& reason);
    // The wrapper used the speculative answer it was sent: the unit's remote compile, or its
    // fallback when the answer was "compile here".
    void speculation_used(Key key);

    // The connection closed: its job ends (and is reported finished).
    void closed(Key key);

    std::vector<proto::JobView> jobs() const;

    // ---- counters (ferry status) ----
    uint64_t kept_local() const { return m_kept_local; }
    uint64_t links() const { return m_links; }
    // Fallbacks the coordinator decided are counted by the scheduler; their reasons are here.
    void count_fallback(const std::string& reason) { count_reason(reason); }
    const std::map<std::string, uint64_t>& local_reasons() const { return m_reasons; }

  private:
    struct Entry {
        proto::JobView view;
        bool has_job = false;
        uint64_t job = 0;
        size_t runner_index = 0;
        bool holds_local = false;
        bool speculative = false;
    };

    Entry* by_job(uint64_t job);
    // Closes the current step and opens `phase` on `lane`/`slot` (phase empty: none open).
    void enter(Entry& e, const std::string& phase, const std::string& lane, int32_t slot);
    int32_t take_slot(const std::string& lane);
    void give_slot(const std::string& lane, int32_t slot);
    void release_lane(Entry& e);
    void notify(const Entry& e, bool finished);
    void count_reason(const std::string& reason);

    Clock m_clock;
    Listener m_listener;
    std::map<Key, Entry> m_entries;
    std::map<uint64_t, Key> m_job_keys;
    std::map<Key, std::string> m_pending_phase;            // what a waiting local slot is for
    std::map<std::string, std::set<int32_t>> m_busy_slots; // lane -> slots in use
    uint64_t m_kept_local = 0;
    uint64_t m_links = 0;
    std::map<std::string, uint64_t> m_reasons;
};

} // namespace ferry::coordinator
