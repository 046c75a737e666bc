// One client connection: the greeting, then frames decoded with limits (a hostile length is
// refused before anything is allocated for it), and per job the intake: compiler and
// argument policy and manifest checks (on the thread pool: IntakeCheck), the mirror filled
// from the cache, NeedFiles for what is missing, FileData checked blob by blob. Anything
// malformed or out of order ends this connection with an ErrorMsg; other connections never
// notice.
#pragma once

#include "event/frame_stream.hpp"
#include "event/handle.hpp"
#include "remote/protocol/frame.hpp"
#include "remote/protocol/messages.hpp"
#include "remote/runner/job.hpp"
#include "remote/runner/mirror.hpp"
#include "remote/runner/mirror_worker.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <uv.h>

namespace ferry::runner {

class Server;

class Connection {
  public:
    Connection(Server& server, uint64_t id, event::Handle<uv_tcp_t> tcp, std::string peer);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    // Starts reading and greets the peer; a connection that cannot start retires itself.
    void start();
    void refuse(proto::ErrorCode code, std::string message);

    void send_result(const proto::JobResult& result);
    // Shutting down: jobs still waiting for files are answered "failed" now.
    void fail_pending(const std::string& message);
    // Flush what was written, then retire.
    void close_after_flush();
    // Jobs whose mirror is ready but that wait for the client's files.
    size_t jobs_waiting_for_files() const { return m_pending.size(); }
    // Jobs accepted here and not yet with the server: request being checked, mirror being
    // built or waiting for files.
    size_t jobs_in_intake() const {
        return m_checking.size() + m_building.size() + m_pending.size();
    }
    // The thread pool has checked a job's request.
    void on_intake_checked(std::unique_ptr<IntakeCheck> check);
    // The thread pool has built (or failed to build) a job's mirror.
    void on_mirror_built(std::unique_ptr<MirrorWork> work);

    uint64_t id() const { return m_id; }
    const std::string& peer() const { return m_peer; }

  private:
    struct PendingJob {
        JobSetup setup;
        MirrorPlan plan;
        std::set<std::string> missing;
        uint64_t deadline_ms = 0; // uv_now() past which the files are no longer awaited
    };

    void on_frame(proto::Frame frame);
    void on_end(const event::StreamEnd& end);
    Result<void> handle_frame(proto::Frame& frame);
    Result<void> on_client_hello(const proto::Frame& frame);
    void on_hello_timeout();
    Result<void> on_job_request(proto::Frame& frame);
    void accept_job(IntakeCheck& check);
    // A job whose work (in `stage`) is back from the thread pool goes on, unless this
    // connection is ending (the job is dropped) or the runner drains (it is answered now).
    bool back_from_pool(std::set<uint64_t>& stage, uint64_t id);
    Result<void> on_file_data(const proto::Frame& frame);
    // JobCancel: the job is stopped wherever it is, and answered.
    Result<void> on_job_cancel(const proto::Frame& frame);
    void answer_cancelled(uint64_t job_id);
    // Waits for the job's files under --files-timeout; an error (no timer) drops the job.
    Result<void> await_files(uint64_t id, PendingJob job);
    void on_files_timer();
    // Answers a job that never reaches the queue (refused or failed at intake).
    void answer(uint64_t job_id, proto::JobStatus status, std::string message);
    void protocol_error(const std::string& message);
    // A frame, or why it could not be made: the connection is dropped then.
    void send(Result<std::string> frame);
    // Stop handling frames and let the server destroy this connection.
    void retire_self();

    Server& m_server;
    uint64_t m_id;
    uv_loop_t* m_loop;
    event::Handle<uv_tcp_t> m_tcp; // until start() hands it to m_stream
    std::unique_ptr<event::FrameStream> m_stream;
    event::Handle<uv_timer_t> m_hello_timer;
    event::Handle<uv_timer_t> m_files_timer; // fails jobs whose files never come
    std::string m_peer;
    std::string m_challenge; // sent in the greeting; empty without a key
    bool m_greeted = false;  // ClientHello received (and, with a key, its answer checked)
    bool m_closing = false;
    std::map<uint64_t, PendingJob> m_pending; // waiting for FileData
    std::set<uint64_t> m_checking;            // request being checked on the thread pool
    std::set<uint64_t> m_building;            // mirror being built on the thread pool
    std::set<uint64_t> m_submitted;           // with the server
    std::set<uint64_t> m_abandoned;           // failed at drain: late FileData is ignored
};

} // namespace ferry::runner
