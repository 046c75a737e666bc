// One compile on this runner, from the moment all its files are in the mirror until its
// result is built: the compiler runs under the limits trampoline in its own process group,
// its stdout/stderr come back through libuv pipes, a timer enforces --job-timeout. The job
// owns its directory (TempDir), so the mirror and every output vanish with the Job object,
// whichever way it ends.
#pragma once

#include "compiler/identity.hpp"
#include "event/child_process.hpp"
#include "event/handle.hpp"
#include "remote/protocol/messages.hpp"
#include "remote/runner/mirror.hpp"
#include "remote/runner/net_namespace.hpp"
#include "remote/runner/options.hpp"
#include "remote/runner/sandbox.hpp"
#include "util/temp_dir.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <uv.h>
#include <vector>

namespace ferry::runner {

// The answer to a job its client cancelled (JobCancel): status failed with this message. The
// client discards it; it only tells the client that the job's slot is free again.
inline constexpr std::string_view kCancelledByClient = "cancelled by the client";
proto::JobResult cancelled_result(uint64_t job_id);

// Everything decided when the request was accepted.
struct JobSetup {
    uint64_t key = 0;           // unique in this ferryd
    uint64_t connection_id = 0; // whose result it is
    std::string peer;           // for the log
    proto::JobRequest request;  // files cleared once they are in the mirror
    const compiler::Identity* compiler = nullptr;
    std::string source;         // for the log
    std::optional<TempDir> dir; // always set; optional only because TempDir has no empty state
    std::string root;           // dir/root
    std::vector<std::string> rerooted_args; // unsandboxed: the arguments in the mirror
    std::optional<SandboxSpec> sandbox;     // sandboxed: the job's file system
    // What the mirror holds once every file is placed: kept with the directory for the
    // connection's next job (mirror_pool.hpp).
    std::shared_ptr<const MirrorPlan> mirror_plan;
    // Sandboxed: the network namespace lent to this job (net_namespace.hpp); none: the
    // sandbox makes its own.
    std::optional<NetNamespace> net;
};

struct JobSettings {
    ResourceLimits limits;
    unsigned timeout_seconds = 300;
    std::string path_env;                       // PATH the compiler gets
    std::string exec_helper = "/proc/self/exe"; // runs `--exec-with-limits` (exec_limits.hpp)
    size_t max_output = size_t(64) << 20;       // stdout or stderr
    size_t max_output_file = size_t(512) << 20; // each output file
};

class Job {
  public:
    // Called once, from a libuv callback, when the result is ready. The Job may be destroyed
    // from inside it.
    using Done = std::function<void(Job&, proto::JobResult)>;

    Job(uv_loop_t* loop, JobSetup setup, const JobSettings& settings, Done done);
    ~Job();
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;

    Result<void> start();
    // The client went away: kill the compiler; Done still fires once it is gone.
    void cancel();

    const JobSetup& setup() const { return m_setup; }
    // The job's directory, no longer removed with the Job; only once the compiler is gone.
    std::optional<TempDir> take_dir();
    // The lent network namespace, once the job's processes are gone (nullopt before).
    std::optional<NetNamespace> take_net();
    bool cancelled() const { return m_cancelled; }
    bool timed_out() const { return m_timed_out; }
    // From starting the compiler to its exit; 0 if it never ran.
    double run_seconds() const {
        return m_exited ? static_cast<double>(m_end_ns - m_start_ns) / 1e9 : 0.0;
    }

  private:
    void on_exit(int64_t exit_status, int term_signal);
    void on_read(uv_stream_t* stream, ssize_t nread);
    void on_timeout();
    void kill_group();
    void maybe_finish();
    proto::JobResult build_result();

    uv_loop_t* m_loop;
    JobSetup m_setup;
    JobSettings m_settings;
    Done m_done;
    event::ChildProcess m_process;
    event::Handle<uv_pipe_t> m_out;
    event::Handle<uv_pipe_t> m_err;
    event::Handle<uv_timer_t> m_timer;
    std::array<char, 65536> m_buffer{};
    std::string m_stdout, m_stderr;
    int m_pid = 0;
    bool m_spawned = false, m_exited = false, m_out_done = false, m_err_done = false;
    bool m_finished = false, m_cancelled = false, m_timed_out = false;
    std::string m_kill_reason; // why we killed it (output too large)
    int64_t m_exit_status = -1;
    int m_term_signal = 0;
    uint64_t m_start_ns = 0, m_end_ns = 0;
};

} // namespace ferry::runner
