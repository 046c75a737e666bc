// The coordinator's moving parts wired together on one libuv loop: the IPC server (wrappers),
// the runner links, the scheduler, the local slots, the file and compiler caches. It turns
// an IpcCompile into a scheduled job and its outcome into an IpcCompileResult, and decides
// when the coordinator has been idle long enough to exit. daemon.cpp owns the process
// concerns (configuration, lock, log file, loop) around it.
#pragma once

#include "config/hosts.hpp"
#include "coordinator/compiler_ids.hpp"
#include "coordinator/cost_memory.hpp"
#include "coordinator/cpu_meter.hpp"
#include "coordinator/file_store.hpp"
#include "coordinator/include_serve.hpp"
#include "coordinator/include_shadow.hpp"
#include "coordinator/ipc_server.hpp"
#include "coordinator/job_board.hpp"
#include "coordinator/local_offload.hpp"
#include "coordinator/local_slots.hpp"
#include "coordinator/manifest.hpp"
#include "coordinator/offload_runs.hpp"
#include "coordinator/runner_link.hpp"
#include "coordinator/scan_memo.hpp"
#include "coordinator/scheduler.hpp"
#include "event/handle.hpp"
#include "ipc/messages.hpp"
#include "remote/protocol/messages.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <uv.h>
#include <vector>

namespace ferry::coordinator {

class Service final : public IpcEvents, public RunnerLinkEvents, public Dispatcher {
  public:
    // Listens on `socket_path` and starts connecting to every runner. `probe` replaces
    // compiler::probe (tests).
    static Result<std::unique_ptr<Service>> start(uv_loop_t* loop, config::Config config,
                                                  const std::string& socket_path,
                                                  CompilerIds::Probe probe = {});
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;
    ~Service() override;

    // Closes every handle; the loop then runs out of work.
    void stop(const std::string& why);

  private:
    struct Job {
        ConnectionId owner = 0;
        proto::IpcCompile request;
        Manifest manifest;
        proto::ToolchainSpec toolchain;
        std::string compiler_id;
        std::string label; // for the log: the first output
        uint64_t submitted_ms = 0;
        uint64_t dispatched_ms = 0;
        bool speculative = false;
        std::string cost_key;    // unit_cost_key
        size_t board_runner = 0; // the runner the job board shows it on (not its backup's)
        // include_analysis = "on": the analysis' files, which the runner's list of opened
        // files must stay within (include_proof.hpp). Null for a scanned request.
        std::shared_ptr<const ProofBasis> proof;
        bool refused_deps = false; // a runner refused it, with the user's dependency options
    };

    Service(uv_loop_t* loop, config::Config config, CompilerIds::Probe probe);
    Result<void> open(const std::string& socket_path);

    // IpcEvents
    void ipc_frame(ConnectionId connection, proto::Frame frame) override;
    void ipc_closed(ConnectionId connection, const std::string& why) override;
    // RunnerLinkEvents
    void link_connecting(size_t runner) override;
    void link_up(size_t runner, const proto::RunnerHello& hello) override;
    void link_down(size_t runner, const std::string& reason) override;
    void link_job_result(size_t runner, proto::JobResult result) override;
    void link_job_unservable(size_t runner, uint64_t job, const Error& why) override;
    void link_job_files_sent(size_t runner, uint64_t job) override;
    // Dispatcher
    void dispatch(JobId job, size_t runner, const std::string& compiler_name) override;
    void dispatch_backup(JobId job, size_t runner, const std::string& compiler_name) override;
    void cancel_copy(JobId job, size_t runner) override;
    proto::JobRequest job_request(JobId id, const Job& job, const std::string& compiler_name) const;
    void finish_remote(JobId job, size_t runner, proto::JobResult result) override;
    void finish_local(JobId job, const std::string& warning, const std::string& reason) override;
    void requeued(JobId job) override;

    Result<void> handle_frame(ConnectionId connection, const proto::Frame& frame);
    void compile(ConnectionId connection, proto::IpcCompile request);
    // The request has its file list (scanned, or from the analysis): on to a runner.
    // `built`: its manifest, when the caller has built it already.
    void start_job(JobId id, ConnectionId connection, proto::IpcCompile request,
                   std::shared_ptr<const ProofBasis> proof,
                   std::optional<Result<Manifest>> built = std::nullopt);
    // include_analysis = "on": the analysis answered for an IpcCompile::analyse request.
    void served(JobId id, proto::IpcCompile request, ServeAnswer answer);
    // An "on" unit goes back to its wrapper for the scan (IpcCompileResult::scan_needed).
    void reply_scan(JobId id, ConnectionId connection, const std::string& label,
                    const std::string& reason);
    // A served job's result that the runner's list of opened files does not prove: the job
    // is compiled locally instead and true is returned.
    bool proof_failed(size_t runner, const proto::JobResult& result);
    void reply_local(JobId job, ConnectionId connection, const std::string& label, bool speculative,
                     const std::string& reason, const std::string& detail);
    // Counts an answer "compile here" as the unit's fallback, except to a speculative start:
    // that one counts only when its wrapper confirms it (ipc_speculation_used).
    void answered_local(JobId job, ConnectionId owner, const std::string& label, bool speculative,
                        const std::string& reason);
    void grant(const std::vector<OwnerId>& owners);
    // Sends msg; a connection owed a frame that cannot be made (over 4 GiB) is closed on the
    // tick instead (its wrapper compiles locally), since callers may be iterating connections.
    template <typename Msg> void send_message(ConnectionId connection, const Msg& msg);
    void close_unsendable();
    proto::IpcStatus status() const;
    // ---- watchers (ferry mon, --trace, the dashboard) ----
    void watch(ConnectionId connection, proto::IpcWatch what);
    proto::IpcJobs snapshot(const std::string& build) const;
    void on_job_event(const proto::JobView& job, bool finished);
    void send_snapshots(); // a runner changed state
    void drop_lagging_watchers();
    void on_tick();
    // Runners full and this machine measured idle: queued jobs compile here (local_offload).
    void offload_when_idle();
    // The queued jobs the last reading lets compile here. Asked on the tick and again when a
    // local slot is freed: a compile sent back ends in a fraction of a tick, and a slot left
    // empty until the next one (up to 500 ms) kept a farm client at half its CPU while 20
    // jobs waited for its one runner (bench/farm/RESULTS.md, session 26).
    void offload_queued(std::string_view trigger);
    void on_signal();
    // The compile times kept beside the socket (cost_memory.hpp).
    void load_costs(const std::string& socket_path);
    void save_costs();
    uint64_t now_ms() const { return uv_now(m_loop); }

    uv_loop_t* m_loop;
    config::Config m_config;
    FileStore m_files;
    DirLinks m_dir_links; // listings of the directories jobs search, by mtime
    CompilerIds m_compilers;
    LocalSlots m_slots;
    ScanMemo m_memo;
    CostMemory m_costs;
    std::string m_costs_path; // beside the socket; empty: not kept
    uint64_t m_costs_saved_ms = 0;
    std::unique_ptr<IncludeShadow> m_shadow;   // include_analysis = "shadow" only
    std::unique_ptr<IncludeServe> m_serve;     // include_analysis = "on" only
    std::map<JobId, ConnectionId> m_analysing; // requests waiting for the analysis
    std::unique_ptr<Scheduler> m_scheduler;
    std::optional<CpuMeter> m_cpu_meter; // [client] local_when_idle, with runners configured
    std::optional<CpuReading> m_last_cpu;
    LocalOffload m_offload;
    OffloadRuns m_offload_runs; // the jobs m_offload sent back, followed while they run
    std::vector<std::unique_ptr<RunnerLink>> m_links;
    std::vector<std::string> m_last_down_reason; // per runner, until it is up again
    std::unique_ptr<IpcServer> m_server;
    event::Handle<uv_timer_t> m_tick;
    event::Handle<uv_signal_t> m_sigterm;
    event::Handle<uv_signal_t> m_sigint;
    std::map<JobId, Job> m_jobs;
    JobBoard m_board{[] { return uv_hrtime() / 1000; }};
    std::map<ConnectionId, proto::IpcWatch> m_watchers;
    std::vector<ConnectionId> m_lagging; // watchers that stopped reading, closed on the tick
    std::vector<ConnectionId>
        m_unsendable; // owed a frame that could not be made, closed on the tick
    // Speculative jobs answered and not yet confirmed by their wrapper, by connection: for
    // the log's "used" / "not used" line and the counters below.
    struct Answered {
        JobId job;
        std::string label;
        bool remote = true;
        std::string local_reason; // for an answer "compile here": why (counted once used)
    };
    std::map<ConnectionId, Answered> m_unconfirmed;
    struct SpeculationCounters {
        uint64_t used = 0;
        uint64_t unused_answered = 0; // the scheduler counted them remote: taken off jobs_remote
        uint64_t unused_dropped = 0;  // the wrapper went before the answer
        uint64_t unused_local = 0;    // answered "compile here" and not used: counted nowhere else
    } m_speculation;
    JobId m_next_job = 1;
    uint64_t m_scan_passes = 0; // local slots asked for a scan
    uint64_t m_last_busy_ms = 0;
    bool m_stopped = false;
};

} // namespace ferry::coordinator
