#include "remote/runner/connection.hpp"

#include "compiler/args.hpp"
#include "remote/protocol/auth.hpp"
#include "remote/runner/compile_command.hpp"
#include "remote/runner/intake_limits.hpp"
#include "remote/runner/job_root.hpp"
#include "remote/runner/server.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"

namespace ferry::runner {

// How long a connection we are closing may linger for its last frames to reach the peer.
static constexpr uint64_t kFlushTimeoutMs = 2000;
// Results larger than this go compressed (objects with debug info compress well).
static constexpr size_t kCompressAbove = 4096;
// A peer that has not said hello by then is dropped: before the greeting it has proved
// nothing, and idle connections must not be able to use up --max-connections.
static constexpr uint64_t kHelloTimeoutMs = 10000;

// The client's name comes from the network: keep log lines one line and short.
static std::string printable(std::string_view text) {
    constexpr size_t kMaxShown = 64;
    std::string out;
    for (char c : text.substr(0, kMaxShown)) {
        auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u < 0x7f) ? std::string(1, c) : fmt::format("\\x{:02x}", u);
    }
    if (text.size() > kMaxShown) out += "...";
    return out;
}

Connection::Connection(Server& server, uint64_t id, event::Handle<uv_tcp_t> tcp, std::string peer)
    : m_server(server), m_id(id), m_loop(tcp.get()->loop), m_tcp(std::move(tcp)),
      m_peer(std::move(peer)) {}

Connection::~Connection() {
    // Their mirrors can be large: delete them off the loop.
    for (auto& [id, job] : m_pending)
        m_server.mirror_worker().discard(std::move(job.setup.dir));
}

void Connection::start() {
    // Frames are read with the limits of a peer that has proved nothing until the hello.
    auto stream = event::FrameStream::start(
        std::move(m_tcp).release_as<uv_stream_t>(), pre_greeting_limits(),
        {.frame = [this](proto::Frame frame) { on_frame(std::move(frame)); },
         .end = [this](const event::StreamEnd& end) { on_end(end); },
         .bad_input = [this](const Error& why) { protocol_error(why.message); },
         .bytes_read = [this](size_t n) { m_server.metrics().bytes_received(n); }});
    if (!stream) {
        log::warning("{}: cannot read: {}", m_peer, stream.error().message);
        retire_self();
        return;
    }
    m_stream = std::move(*stream);
    // Without the hello deadline an idle peer would hold its connection for ever.
    auto timer = event::Handle<uv_timer_t>::create(
        "uv_timer_init", this, [this](uv_timer_t* t) { return uv_timer_init(m_loop, t); });
    Result<void> armed = timer ? ok() : Result<void>(timer.error());
    if (timer) {
        m_hello_timer = std::move(*timer);
        armed = event::start_timer(
            m_hello_timer, &event::timer_trampoline<Connection, &Connection::on_hello_timeout>,
            kHelloTimeoutMs, 0);
    }
    if (!armed) {
        log::warning("{}: connection refused: {}", m_peer, armed.error().message);
        retire_self();
        return;
    }
    const auto& config = m_server.config();
    proto::RunnerHello hello;
    hello.runner_name = config.name;
    hello.slots = config.options.jobs;
    // A runner that cannot sandbox offers nothing, so no client sends it a job.
    if (config.sandbox != SandboxMode::unavailable) hello.compilers = config.allowlist.infos();
    hello.runs_toolchains =
        config.sandbox == SandboxMode::sandboxed && !config.options.installed_compilers_only;
    if (config.key) {
        auto challenge = proto::auth::make_challenge();
        if (!challenge) {
            log::error("{}: refused: {}", m_peer, challenge.error().message);
            refuse(proto::ErrorCode::auth, challenge.error().message);
            return;
        }
        m_challenge = std::move(*challenge);
    }
    hello.challenge = m_challenge;
    send(proto::frame(hello));
}

void Connection::on_hello_timeout() {
    if (m_greeted || m_closing) return;
    log::warning("{}: no client_hello within {} s, closing", m_peer, kHelloTimeoutMs / 1000);
    refuse(proto::ErrorCode::protocol,
           fmt::format("no client_hello within {} s", kHelloTimeoutMs / 1000));
}

void Connection::send(Result<std::string> frame) {
    if (!frame) {
        // Only a payload over 4 GiB: the connection is dropped, as after a failed write.
        log::warning("{}: {}", m_peer, frame.error().message);
        retire_self();
        return;
    }
    // A failed write ends the stream (on_end), from the loop.
    if (!m_stream || !m_stream->is_open()) return;
    m_server.metrics().bytes_sent(frame->size());
    m_stream->send(std::move(*frame));
}

void Connection::retire_self() {
    m_closing = true;
    m_server.retire(m_id);
}

void Connection::refuse(proto::ErrorCode code, std::string message) {
    send(proto::frame(proto::ErrorMsg{code, std::move(message)}));
    close_after_flush();
}

void Connection::protocol_error(const std::string& message) {
    log::warning("{}: protocol error: {}", m_peer, message);
    refuse(proto::ErrorCode::protocol, message);
}

void Connection::close_after_flush() {
    if (m_closing) return;
    m_closing = true;
    // The stream keeps reading until the peer closes or the linger ends (on_end).
    if (!m_stream) return retire_self();
    m_stream->finish(kFlushTimeoutMs);
}

void Connection::on_end(const event::StreamEnd& end) {
    using Reason = event::StreamEnd::Reason;
    switch (end.reason) {
    case Reason::closed_mid_frame:
        log::info("{}: closed the connection in the middle of a frame", m_peer);
        break;
    case Reason::closed:
        log::debug("{}: disconnected", m_peer);
        break;
    case Reason::linger_over:
        break;
    case Reason::failed:
    case Reason::malformed:
        log::info("{}: {}", m_peer, end.error.message);
        break;
    }
    retire_self();
}

void Connection::on_frame(proto::Frame frame) {
    // The stream delivers one frame at a time, so the hello's new limits judge the next one.
    if (m_closing) return;
    if (auto handled = handle_frame(frame); !handled) protocol_error(handled.error().message);
}

Result<void> Connection::handle_frame(proto::Frame& frame) {
    log::debug("{}: {} frame, {} bytes", m_peer, proto::msg_type_name(frame.type),
               frame.payload.size());
    if (!m_greeted) {
        if (frame.type != proto::MsgType::client_hello)
            return make_error(Errc::protocol, "expected client_hello first, got {}",
                              proto::msg_type_name(frame.type));
        return on_client_hello(frame);
    }
    switch (frame.type) {
    case proto::MsgType::job_request:
        return on_job_request(frame);
    case proto::MsgType::file_data:
        return on_file_data(frame);
    case proto::MsgType::job_cancel:
        return on_job_cancel(frame);
    case proto::MsgType::stats_request:
        FERRY_TRY_VOID(proto::expect_empty(frame, proto::MsgType::stats_request));
        send(proto::frame(m_server.current_stats()));
        return ok();
    case proto::MsgType::ping:
        FERRY_TRY_VOID(proto::expect_empty(frame, proto::MsgType::ping));
        send(proto::encode_frame(proto::MsgType::pong, {}));
        return ok();
    case proto::MsgType::error: {
        auto error = proto::decode_as<proto::ErrorMsg>(frame);
        log::info("{}: the client reported an error: {}", m_peer,
                  error ? error->message : error.error().message);
        close_after_flush();
        return ok();
    }
    default:
        return make_error(Errc::protocol, "unexpected {} frame", proto::msg_type_name(frame.type));
    }
}

Result<void> Connection::on_client_hello(const proto::Frame& frame) {
    FERRY_TRY(hello, proto::decode_as<proto::ClientHello>(frame));
    if (hello->protocol_version != proto::kProtocolVersion) {
        log::warning("{}: speaks protocol version {}, not {}", m_peer, hello->protocol_version,
                     proto::kProtocolVersion);
        refuse(proto::ErrorCode::version,
               fmt::format("protocol version {} is not supported (this runner speaks {})",
                           hello->protocol_version, proto::kProtocolVersion));
        return ok();
    }
    const std::string name = printable(hello->client_name);
    m_hello_timer.reset();
    const auto& key = m_server.config().key;
    if (!key) {
        m_greeted = true;
        m_stream->set_limits(greeted_limits(m_server.config().options));
        log::info("{}: client '{}' connected", m_peer, name);
        return ok();
    }
    auto proof =
        proto::auth::check_response(*key, m_challenge, hello->client_name, hello->auth_response);
    if (!proof) {
        log::warning("{}: client '{}' refused: authentication failed: {}", m_peer, name,
                     proof.error().message);
        refuse(proto::ErrorCode::auth,
               fmt::format("authentication failed: {}", proof.error().message));
        return ok();
    }
    m_greeted = true;
    m_stream->set_limits(greeted_limits(m_server.config().options));
    send(proto::frame(proto::AuthProof{std::move(*proof)}));
    log::info("{}: client '{}' connected (authenticated)", m_peer, name);
    return ok();
}

void Connection::answer(uint64_t job_id, proto::JobStatus status, std::string message) {
    bool refused = status == proto::JobStatus::refused;
    log::info("job {} from {}: {}: {}", job_id, m_peer, refused ? "refused" : "failed", message);
    auto& stats = m_server.stats();
    (refused ? stats.jobs_refused : stats.jobs_failed)++;
    m_server.metrics().job_finished(refused ? JobOutcome::refused : JobOutcome::failed);
    proto::JobResult result;
    result.job_id = job_id;
    result.status = status;
    result.message = std::move(message);
    send(proto::frame(result));
}

Result<void> Connection::on_job_request(proto::Frame& frame) {
    FERRY_TRY(peeked, proto::peek_job_id(frame.payload));
    const uint64_t id = *peeked;
    if (m_checking.count(id) || m_pending.count(id) || m_submitted.count(id) ||
        m_building.count(id))
        return make_error(Errc::protocol, "job id {} is already in use on this connection", id);
    m_abandoned.erase(id);
    m_server.stats().jobs_received++;
    m_server.metrics().job_received();
    const auto& config = m_server.config();
    using proto::JobStatus;

    if (m_server.draining()) {
        answer(id, JobStatus::failed, "the runner is shutting down");
        return ok();
    }
    if (m_server.jobs_in_intake() >= config.options.max_queue) {
        answer(id, JobStatus::failed, "queue full");
        return ok();
    }
    if (config.sandbox == SandboxMode::unavailable) {
        answer(id, JobStatus::refused,
               "this runner cannot sandbox jobs: " + config.sandbox_problem);
        return ok();
    }
    // Decoding and planning cost as much as the manifest is large: on the thread pool, so
    // this loop keeps serving every other frame meanwhile (counted in jobs_in_intake).
    auto check = std::make_unique<IntakeCheck>();
    check->connection_id = m_id;
    check->job_id = id;
    check->payload = std::move(frame.payload);
    check->policy = m_server.intake_policy();
    if (auto queued = m_server.mirror_worker().check(check); !queued) {
        answer(id, JobStatus::failed, queued.error().message);
        return ok();
    }
    m_checking.insert(id);
    return ok();
}

Result<void> Connection::on_job_cancel(const proto::Frame& frame) {
    FERRY_TRY(cancel, proto::decode_as<proto::JobCancel>(frame));
    const uint64_t id = cancel->job_id;
    // On the thread pool: its work comes back to nobody (back_from_pool drops it, a mirror's
    // directory with it). Waiting for files: its mirror goes now, and FileData still in
    // flight is ignored.
    if (m_checking.erase(id) || m_building.erase(id)) {
        answer_cancelled(id);
        return ok();
    }
    if (auto it = m_pending.find(id); it != m_pending.end()) {
        m_server.mirror_worker().discard(std::move(it->second.setup.dir));
        m_pending.erase(it);
        m_abandoned.insert(id);
        if (m_pending.empty() && m_files_timer) uv_timer_stop(m_files_timer.get());
        answer_cancelled(id);
        return ok();
    }
    // With the server, waiting for a slot or compiling: answered through send_result.
    if (m_submitted.count(id) && m_server.cancel(m_id, id)) return ok();
    // Answered already: the cancel crossed the answer on the wire.
    log::debug("{}: cancel of job {}, which is not here", m_peer, id);
    return ok();
}

void Connection::answer_cancelled(uint64_t job_id) {
    log::info("job {} from {}: {} before it ran", job_id, m_peer, kCancelledByClient);
    m_server.metrics().job_finished(JobOutcome::cancelled);
    send(proto::frame(cancelled_result(job_id)));
}

bool Connection::back_from_pool(std::set<uint64_t>& stage, uint64_t id) {
    if (m_closing || !stage.erase(id)) return false; // dropped with its work
    if (!m_server.draining()) return true;
    answer(id, proto::JobStatus::failed, "the runner is shutting down");
    m_server.check_drained();
    return false;
}

void Connection::on_intake_checked(std::unique_ptr<IntakeCheck> check) {
    const uint64_t id = check->job_id;
    if (!back_from_pool(m_checking, id)) return;
    switch (check->verdict) {
    case IntakeCheck::Verdict::protocol_error:
        protocol_error(check->message);
        return;
    case IntakeCheck::Verdict::refused:
        answer(id, proto::JobStatus::refused, std::move(check->message));
        return;
    case IntakeCheck::Verdict::accepted:
        accept_job(*check);
        return;
    }
}

void Connection::accept_job(IntakeCheck& check) {
    const uint64_t id = check.job_id;
    proto::JobRequest& request = check.request;
    const auto& config = m_server.config();
    using proto::JobStatus;
    const bool sandboxed = config.sandbox == SandboxMode::sandboxed;
    // The mirror a finished job of this connection left, made into this one's on the pool.
    std::optional<PooledMirror> pooled;
    if (sandboxed) pooled = m_server.mirror_pool().take(m_id);
    Result<TempDir> dir = pooled ? Result<TempDir>(std::move(pooled->dir))
                                 : TempDir::create(config.jobs_dir, kJobDirPrefix);
    if (!dir) {
        answer(id, JobStatus::failed, dir.error().message);
        return;
    }
    PendingJob job{JobSetup{}, std::move(check.plan), {}, 0};
    JobSetup& setup = job.setup;
    setup.dir = std::move(*dir);
    setup.root = setup.dir->path() + "/root";
    if (sandboxed) {
        auto spec = sandbox_spec(setup.dir->path(), request);
        if (!spec) {
            answer(id, JobStatus::refused, spec.error().message);
            return;
        }
        setup.sandbox = std::move(*spec);
    } else {
        auto rerooted = compiler::reroot_args(request.args, setup.root, request.cwd);
        if (!rerooted) {
            answer(id,
                   rerooted.error().code == Errc::refused ? JobStatus::refused : JobStatus::failed,
                   rerooted.error().message);
            return;
        }
        setup.rerooted_args = std::move(*rerooted);
        setup.compiler = check.installed;
    }
    setup.key = m_server.next_job_key();
    setup.connection_id = m_id;
    setup.peer = m_peer;
    setup.source = source_of(request.compiler_name, request.args);
    auto work = std::make_unique<MirrorWork>();
    work->connection_id = m_id;
    work->job_id = id;
    if (pooled) {
        work->kept = kept_contents(*pooled->plan, job.plan);
        work->previous = std::move(pooled->plan);
    }
    // A sandboxed job's toolchain files that the cache lacks are looked up among this
    // machine's own files first (installed_reuse.hpp); the worker reads them off the loop.
    const bool reuse = sandboxed && config.options.reuse_installed;
    for (const auto& [hash, targets] : job.plan.placements) {
        if (auto cached = m_server.cache().indexed(hash)) {
            m_server.stats().cache_hits++;
            m_server.metrics().cache_hit();
            work->cached.emplace_back(hash, std::move(*cached));
        } else if (work->kept.count(hash)) {
            work->kept_uncached.insert(hash); // in the mirror already; fetched only if not
        } else if (auto t = check.toolchain.find(hash); reuse && t != check.toolchain.end()) {
            work->reusable.push_back(std::move(t->second));
        } else {
            work->missing.insert(hash);
        }
    }
    work->cache_dir = m_server.cache().dir();
    m_server.metrics().cache_misses(work->missing.size() + work->reusable.size());
    log::debug("job {} from {}: {} {}, {} files, {} to fetch, {} to look up here", id, m_peer,
               request.compiler_name, setup.source, job.plan.placements.size(),
               work->missing.size(), work->reusable.size());
    setup.request = std::move(request);
    work->setup = std::move(setup);
    work->plan = std::move(job.plan);
    // mkdir and link run on the thread pool: a large mirror must not stall other clients.
    if (auto started = m_server.mirror_worker().start(work); !started) {
        answer(id, JobStatus::failed, started.error().message);
        return;
    }
    m_building.insert(id);
}

void Connection::on_mirror_built(std::unique_ptr<MirrorWork> work) {
    const uint64_t id = work->job_id;
    if (!back_from_pool(m_building, id)) return; // its directory goes with the work
    if (!work->built) {
        answer(id, proto::JobStatus::failed, work->built.error().message);
        return;
    }
    if (!work->reuse_failed.empty())
        log::warning("job {}: reusing a mirror: {}; built from nothing", id, work->reuse_failed);
    if (work->previous) m_server.metrics().mirror_reused(work->retired.files_kept);
    for (auto& [hash, size] : work->reused)
        m_server.cache().adopt(std::move(hash), size);
    if (!work->reused.empty()) {
        log::debug("job {}: {} toolchain files taken from this machine's own", id,
                   work->reused.size());
        m_server.metrics().installed_reused(work->reused.size());
        m_server.cache().trim();
    }
    m_server.stats().files_linked += work->placed.linked;
    m_server.stats().files_copied += work->placed.copied;
    if (work->missing.empty()) {
        work->setup.mirror_plan = std::make_shared<const MirrorPlan>(std::move(work->plan));
        m_submitted.insert(id);
        m_server.submit(std::move(work->setup));
        return;
    }
    proto::NeedFiles need{id, {work->missing.begin(), work->missing.end()}};
    auto waiting = await_files(
        id, PendingJob{std::move(work->setup), std::move(work->plan), std::move(work->missing), 0});
    if (!waiting) return answer(id, proto::JobStatus::failed, waiting.error().message);
    send(proto::frame(need));
}

Result<void> Connection::await_files(uint64_t id, PendingJob job) {
    const unsigned timeout_s = m_server.config().options.files_timeout_seconds;
    // A coarse tick is enough: the timeout is in seconds, and one timer serves every job.
    const uint64_t tick = std::min<uint64_t>(1000, uint64_t(timeout_s) * 1000);
    Result<void> armed = ok();
    if (!m_files_timer) {
        auto timer = event::Handle<uv_timer_t>::create(
            "uv_timer_init", this, [this](uv_timer_t* t) { return uv_timer_init(m_loop, t); });
        if (timer)
            m_files_timer = std::move(*timer);
        else
            armed = timer.error();
    }
    if (armed && !m_files_timer.active())
        armed = event::start_timer(
            m_files_timer, &event::timer_trampoline<Connection, &Connection::on_files_timer>, tick,
            tick);
    if (!armed) {
        // Without the timer its files could be awaited for ever.
        m_server.mirror_worker().discard(std::move(job.setup.dir));
        return armed;
    }
    job.deadline_ms = uv_now(m_loop) + uint64_t(timeout_s) * 1000;
    m_pending.emplace(id, std::move(job));
    return ok();
}

void Connection::on_files_timer() {
    const uint64_t now = uv_now(m_loop);
    const unsigned timeout_s = m_server.config().options.files_timeout_seconds;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->second.deadline_ms > now) {
            ++it;
            continue;
        }
        const uint64_t id = it->first;
        m_server.mirror_worker().discard(std::move(it->second.setup.dir));
        it = m_pending.erase(it);
        m_abandoned.insert(id);
        answer(id, proto::JobStatus::failed,
               fmt::format("the files it needs did not arrive within {} s", timeout_s));
    }
    if (m_pending.empty() && m_files_timer) uv_timer_stop(m_files_timer.get());
}

Result<void> Connection::on_file_data(const proto::Frame& frame) {
    FERRY_TRY(data, proto::decode_as<proto::FileData>(frame));
    const uint64_t id = data->job_id;
    if (m_abandoned.count(id)) return ok(); // answered already; these were in flight
    auto it = m_pending.find(id);
    if (it == m_pending.end())
        return make_error(Errc::protocol, "file_data for job {}, which is not waiting for files",
                          id);
    PendingJob& job = it->second;
    for (const auto& blob : data->blobs) {
        if (!job.missing.count(blob.hash))
            return make_error(Errc::protocol, "job {}: content {} was not asked for", id,
                              blob.hash);
        if (job.plan.sizes[blob.hash] != blob.data.size())
            return make_error(Errc::protocol,
                              "job {}: content {} is {} bytes, the manifest said {}", id, blob.hash,
                              blob.data.size(), job.plan.sizes[blob.hash]);
        if (hash_hex(blob.data) != blob.hash)
            return make_error(Errc::protocol, "job {}: the data sent as {} does not match its hash",
                              id, blob.hash);
        m_server.stats().files_received++;
        const auto& targets = job.plan.placements[blob.hash];
        auto stored = m_server.cache().insert(blob.hash, blob.data, targets.front().mtime_ns);
        Result<Placed> placed =
            stored ? place_file(job.setup.root, targets, *stored) : Result<Placed>(stored.error());
        if (placed && placed->source_missing)
            placed = make_error(Errc::io, "the cache lost {} as it was stored", blob.hash);
        if (placed) {
            m_server.stats().files_linked += placed->linked;
            m_server.stats().files_copied += placed->copied;
        }
        if (!placed) {
            answer(id, proto::JobStatus::failed, "storing a file: " + placed.error().message);
            m_pending.erase(it);
            m_abandoned.insert(id);
            return ok();
        }
        job.missing.erase(blob.hash);
    }
    // Only now: everything this job needs is linked into its mirror, so eviction is safe.
    m_server.cache().trim();
    if (job.missing.empty()) {
        JobSetup setup = std::move(job.setup);
        setup.mirror_plan = std::make_shared<const MirrorPlan>(std::move(job.plan));
        m_pending.erase(it);
        m_submitted.insert(id);
        m_server.submit(std::move(setup));
    }
    return ok();
}

void Connection::send_result(const proto::JobResult& result) {
    if (!m_submitted.erase(result.job_id)) return;
    size_t size = result.stdout_data.size() + result.stderr_data.size();
    for (const auto& out : result.outputs)
        size += out.data.size();
    auto bytes = proto::frame(result, size > kCompressAbove ? 1 : 0);
    // Outputs too large for a frame: the client compiles elsewhere or locally.
    if (!bytes) return answer(result.job_id, proto::JobStatus::failed, bytes.error().message);
    send(std::move(bytes));
}

void Connection::fail_pending(const std::string& message) {
    for (auto& [id, job] : m_pending) {
        answer(id, proto::JobStatus::failed, message);
        m_abandoned.insert(id);
        m_server.mirror_worker().discard(std::move(job.setup.dir));
    }
    m_pending.clear();
}

} // namespace ferry::runner
