// The runner's event loop owner: accepts connections on the listening sockets (checking
// --allow), keeps the jobs of every connection, runs them through the JobQueue, and handles
// SIGTERM/SIGINT (first: stop accepting, finish what was accepted, send the results, exit;
// second: kill everything and exit at once). Connections and jobs that end are destroyed on
// the next loop iteration, never inside their own callbacks. Keeps the metrics registry
// and, with --metrics, the port that serves it.
#pragma once

#include "event/handle.hpp"
#include "remote/protocol/auth.hpp"
#include "remote/protocol/messages.hpp"
#include "remote/runner/allowlist.hpp"
#include "remote/runner/file_cache.hpp"
#include "remote/runner/intake_check.hpp"
#include "remote/runner/intake_limits.hpp"
#include "remote/runner/job.hpp"
#include "remote/runner/job_queue.hpp"
#include "remote/runner/metrics.hpp"
#include "remote/runner/metrics_http.hpp"
#include "remote/runner/mirror.hpp"
#include "remote/runner/mirror_pool.hpp"
#include "remote/runner/mirror_worker.hpp"
#include "remote/runner/net_namespace.hpp"
#include "remote/runner/options.hpp"
#include "util/fd.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <uv.h>
#include <vector>

namespace ferry::runner {

class Connection;

// How jobs run here (docs/sandbox.md).
enum class SandboxMode {
    sandboxed,   // in namespaces, the mirror as the whole file system
    unsandboxed, // --unsandboxed: installed compilers, re-rooted paths
    unavailable, // namespaces do not work here: remote jobs are refused
};

struct ServerConfig {
    Options options;
    SandboxMode sandbox = SandboxMode::sandboxed;
    std::string sandbox_problem; // why it is unavailable
    CompilerAllowlist allowlist;
    std::string name;     // in the greeting
    std::string jobs_dir; // where job directories are made
    JobSettings job;
    ManifestLimits manifest;
    std::optional<proto::auth::Key> key; // set: every client must prove it holds the key
    NetNamespacePool nets;               // sandboxed: lent to jobs (empty: each job makes its own)
};

class Server {
  public:
    Server(uv_loop_t* loop, ServerConfig config, FileCache& cache);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Takes over bound, listening sockets and starts accepting and watching signals.
    Result<void> start(std::vector<Fd> listeners, const std::vector<std::string>& names);
    // --metrics: serves render_metrics() on this bound, listening socket until the runner
    // exits (also while it drains).
    Result<void> serve_metrics(Fd listener, const std::string& name);
    // The Prometheus text of the counters and of the gauges as they are now.
    std::string render_metrics() const;

    // For connections.
    const ServerConfig& config() const { return m_config; }
    FileCache& cache() { return m_cache; }
    proto::Stats& stats() { return m_stats; }
    RunnerMetrics& metrics() { return m_metrics; }
    proto::Stats current_stats();
    bool draining() const { return m_draining; }
    uint64_t next_job_key() { return ++m_last_job_key; }
    size_t jobs_waiting() const { return m_queue.waiting(); }
    // Jobs accepted but not yet running, over all connections: requests being checked and
    // mirrors being built, jobs
    // waiting for files, jobs waiting for a slot. --max-queue bounds this.
    size_t jobs_in_intake() const;
    MirrorWorker& mirror_worker() { return m_mirror; }
    MirrorPool& mirror_pool() { return m_pool; }
    const std::shared_ptr<const IntakePolicy>& intake_policy() const { return m_intake_policy; }
    // A job whose files are all in its mirror: run it now, queue it, or fail it (queue full).
    void submit(JobSetup setup);
    // The client cancelled a job it submitted (JobCancel): a waiting one leaves the queue, a
    // running one's compiler is killed; either is answered "cancelled by the client" (through
    // the connection's send_result). False if the server does not hold it.
    bool cancel(uint64_t connection_id, uint64_t job_id);
    // The connection is finished (peer gone, error sent, drained): its jobs are cancelled and
    // it is destroyed on the next loop iteration.
    void retire(uint64_t connection_id);
    // A job of the connection was answered or dropped: if draining, maybe we are done.
    void check_drained();

  private:
    void on_connection(uv_stream_t* listener);
    // Refused peers are answered and closed at once, outside m_connections: they never
    // count against --max-connections, and their log lines are throttled.
    void refuse_peer(event::Handle<uv_tcp_t> client, proto::ErrorCode code,
                     const std::string& message, const std::string& log_line);
    void flush_refusal_summary();
    void on_signal(int signum);
    void begin_drain();
    void stop_now();
    void start_job(uint64_t key);
    void on_job_done(Job& job, proto::JobResult result);
    // A finished job's mirror, kept for its connection's next job or removed.
    void keep_mirror(Job& job, const proto::JobResult& result);
    // The network namespace lent to a finished job: back to the pool when its processes are
    // known to be gone, else replaced by a new one.
    void return_net(Job& job, const proto::JobResult& result);
    void deliver(const JobSetup& setup, const proto::JobResult& result);
    void reap_later();
    void reap();
    void close_idle_handles();

    uv_loop_t* m_loop;
    ServerConfig m_config;
    FileCache& m_cache;
    JobQueue m_queue;
    proto::Stats m_stats;
    RunnerMetrics m_metrics;
    std::unique_ptr<MetricsHttp> m_metrics_http;
    std::vector<event::Handle<uv_tcp_t>> m_listeners;
    event::Handle<uv_signal_t> m_sigterm, m_sigint;
    event::Handle<uv_idle_t> m_reaper;
    event::Handle<uv_timer_t> m_refusal_timer; // writes the throttled refusals' summary
    LogThrottle m_refusal_log;
    std::shared_ptr<const IntakePolicy> m_intake_policy; // shared with checks on the pool
    MirrorWorker m_mirror;
    MirrorPool m_pool; // before the jobs and connections: theirs go back to it
    std::map<uint64_t, std::unique_ptr<Connection>> m_connections;
    std::map<uint64_t, std::unique_ptr<Job>> m_jobs; // running
    std::map<uint64_t, JobSetup> m_waiting;          // admitted, waiting for a slot
    std::vector<std::unique_ptr<Connection>> m_dead_connections;
    std::vector<std::unique_ptr<Job>> m_dead_jobs;
    uint64_t m_last_connection_id = 0;
    uint64_t m_last_job_key = 0;
    bool m_draining = false;
};

} // namespace ferry::runner
