// One persistent connection to one runner (ferryd). It resolves and connects within the
// connect timeout, reads the runner's greeting, answers it (with a key_file: proves it holds
// the key and waits for the runner's proof, remote/protocol/auth.hpp), then carries any number of
// jobs at once: JobRequest out, NeedFiles answered from the FileStore, JobResult back. Every
// failure — refused, timeout, EOF, garbage, an ErrorMsg, a job not answered in time — closes
// the connection, is reported once, and a reconnect is tried after the backoff: the
// reconnect is the probe. A ping now and then notices a runner that silently went away.
#pragma once

#include "config/hosts.hpp"
#include "coordinator/file_store.hpp"
#include "event/frame_stream.hpp"
#include "event/handle.hpp"
#include "remote/protocol/messages.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <uv.h>

namespace ferry::coordinator {

// "127.0.0.2:3633", "[::1]:3633": how a runner's address is shown.
std::string runner_address(const config::Runner& runner);

// What a link tells its owner. Calls come from loop callbacks, never from inside a
// RunnerLink method the owner called.
class RunnerLinkEvents {
  public:
    virtual ~RunnerLinkEvents() = default;
    virtual void link_connecting(size_t runner) = 0;
    virtual void link_up(size_t runner, const proto::RunnerHello& hello) = 0;
    // The connection is gone; jobs sent on it will never be answered.
    virtual void link_down(size_t runner, const std::string& reason) = 0;
    virtual void link_job_result(size_t runner, proto::JobResult result) = 0;
    // A file the runner asked for could not be read or changed since the manifest: the job
    // cannot complete remotely. The runner is not at fault.
    virtual void link_job_unservable(size_t runner, uint64_t job, const Error& why) = 0;
    // Every file the runner asked for is on its way: the job now waits for its compile.
    virtual void link_job_files_sent(size_t /*runner*/, uint64_t /*job*/) {}
};

class RunnerLink {
  public:
    struct Options {
        uint32_t connect_timeout_ms = 2000;
        uint32_t job_timeout_ms = 300000;
        uint32_t backoff_ms = 10000;
        uint32_t ping_interval_ms = 5000; // 0: no pings
        int compression_level = 1;
        std::string client_name;
    };

    static Result<std::unique_ptr<RunnerLink>> create(uv_loop_t* loop, size_t index,
                                                      config::Runner runner, Options options,
                                                      FileStore& files, RunnerLinkEvents& events);
    RunnerLink(const RunnerLink&) = delete;
    RunnerLink& operator=(const RunnerLink&) = delete;
    ~RunnerLink();

    // Starts the first connection attempt.
    void start();
    // Sends a job on an up link and starts its timeout.
    void send_job(const proto::JobRequest& request);
    // The job's answer is no longer wanted (no timeout for it any more).
    void forget_job(uint64_t job);
    // Asks the runner to stop the job (JobCancel); its answer still comes, under the job's
    // timeout. Nothing is sent for a job this link does not carry (its link went down).
    void cancel_job(uint64_t job);
    // Closes everything; no more events.
    void stop();

    bool is_up() const { return m_phase == Phase::up; }
    std::string address() const;

  private:
    enum class Phase { idle, resolving, connecting, greeting, authenticating, up, stopped };
    struct PendingJob {
        RunnerLink* link = nullptr;
        uint64_t id = 0;
        event::Handle<uv_timer_t> timer;
        std::unordered_map<std::string, std::string> paths; // hash -> client path
        // Its request could not be framed (over 4 GiB): reported by the timer, from the
        // loop, not from inside the scheduler's call to send_job().
        std::optional<Error> unsendable;
        void on_timeout();
    };

    RunnerLink(uv_loop_t* loop, size_t index, config::Runner runner, Options options,
               FileStore& files, RunnerLinkEvents& events);
    void connect();
    void on_resolved(int status, const addrinfo* result);
    void connect_to(const sockaddr* address);
    void on_connected(int status);
    void on_frame(const proto::Frame& frame);
    void on_greeting(const proto::Frame& frame);
    void on_auth_proof(const proto::Frame& frame);
    void become_up();
    void on_need_files(const proto::NeedFiles& need);
    void on_connect_timeout();
    void on_reconnect_timer();
    void on_ping_timer();
    void fail(const std::string& reason);
    void fail_soon(std::string reason);
    // A timer of the link failed: it stops.
    void broken(const Error& why);
    void close_connection();
    uint64_t now_ms() const { return uv_now(m_loop); }

    uv_loop_t* m_loop;
    size_t m_index;
    config::Runner m_runner;
    Options m_options;
    FileStore& m_files;
    RunnerLinkEvents& m_events;
    Phase m_phase = Phase::idle;
    uv_getaddrinfo_t* m_resolving = nullptr; // in flight, owned by libuv
    std::optional<std::string> m_pending_failure;
    event::Handle<uv_tcp_t> m_connecting;
    std::unique_ptr<event::FrameStream> m_stream;
    event::Handle<uv_timer_t> m_connect_timer;
    event::Handle<uv_timer_t> m_reconnect_timer;
    event::Handle<uv_timer_t> m_ping_timer;
    uint64_t m_last_heard_ms = 0;
    std::map<uint64_t, std::unique_ptr<PendingJob>> m_jobs;
    proto::RunnerHello m_hello;   // kept from the greeting until the runner has proved itself
    std::string m_expected_proof; // empty: we sent no key
    std::shared_ptr<char> m_alive = std::make_shared<char>();
};

} // namespace ferry::coordinator
