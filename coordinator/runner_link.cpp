#include "coordinator/runner_link.hpp"

#include "remote/protocol/auth.hpp"
#include "util/log.hpp"

#include <cstring>

namespace ferry::coordinator {

namespace {

// Both libuv requests of a connection attempt carry a token that expires with the link, and
// are checked against the link's current attempt, so a late callback never touches a dead
// link or a newer attempt.
struct ResolveRequest {
    uv_getaddrinfo_t req{};
    std::weak_ptr<char> alive;
    RunnerLink* link = nullptr;
};

struct ConnectRequest {
    uv_connect_t req{};
    std::weak_ptr<char> alive;
    RunnerLink* link = nullptr;
};

// A silent runner is declared gone after this many ping intervals without a frame.
constexpr uint64_t kPingsMissedLimit = 4;

} // namespace

Result<std::unique_ptr<RunnerLink>> RunnerLink::create(uv_loop_t* loop, size_t index,
                                                       config::Runner runner, Options options,
                                                       FileStore& files, RunnerLinkEvents& events) {
    std::unique_ptr<RunnerLink> link(
        new RunnerLink(loop, index, std::move(runner), std::move(options), files, events));
    auto make_timer = [&](event::Handle<uv_timer_t>& slot) -> Result<void> {
        FERRY_TRY(timer, event::Handle<uv_timer_t>::create(
                             "uv_timer_init", link.get(),
                             [loop](uv_timer_t* t) { return uv_timer_init(loop, t); }));
        slot = std::move(*timer);
        return ok();
    };
    FERRY_TRY_VOID(make_timer(link->m_connect_timer));
    FERRY_TRY_VOID(make_timer(link->m_reconnect_timer));
    FERRY_TRY_VOID(make_timer(link->m_ping_timer));
    return link;
}

RunnerLink::RunnerLink(uv_loop_t* loop, size_t index, config::Runner runner, Options options,
                       FileStore& files, RunnerLinkEvents& events)
    : m_loop(loop), m_index(index), m_runner(std::move(runner)), m_options(std::move(options)),
      m_files(files), m_events(events) {}

RunnerLink::~RunnerLink() {
    stop();
}

std::string runner_address(const config::Runner& runner) {
    bool bare_ipv6 = runner.host.find(':') != std::string::npos && runner.host.front() != '[';
    return bare_ipv6 ? fmt::format("[{}]:{}", runner.host, runner.port)
                     : fmt::format("{}:{}", runner.host, runner.port);
}

std::string RunnerLink::address() const {
    return runner_address(m_runner);
}

void RunnerLink::start() {
    if (m_phase == Phase::idle) connect();
}

void RunnerLink::stop() {
    close_connection();
    m_reconnect_timer.reset();
    m_connect_timer.reset();
    m_ping_timer.reset();
    m_phase = Phase::stopped;
}

// ---- connecting ----

void RunnerLink::connect() {
    m_pending_failure.reset();
    if (auto armed = event::start_timer(
            m_connect_timer, &event::timer_trampoline<RunnerLink, &RunnerLink::on_connect_timeout>,
            m_options.connect_timeout_ms, 0);
        !armed)
        return broken(armed.error());
    std::string host = m_runner.host;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    sockaddr_storage numeric{};
    if (uv_ip4_addr(host.c_str(), m_runner.port, reinterpret_cast<sockaddr_in*>(&numeric)) == 0 ||
        uv_ip6_addr(host.c_str(), m_runner.port, reinterpret_cast<sockaddr_in6*>(&numeric)) == 0) {
        connect_to(reinterpret_cast<const sockaddr*>(&numeric));
        return;
    }
    m_phase = Phase::resolving;
    auto request = std::make_unique<ResolveRequest>();
    request->alive = m_alive;
    request->link = this;
    request->req.data = request.get();
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    std::string port = std::to_string(m_runner.port);
    int rc = uv_getaddrinfo(
        m_loop, &request->req,
        [](uv_getaddrinfo_t* req, int status, addrinfo* result) {
            std::unique_ptr<ResolveRequest> done(static_cast<ResolveRequest*>(req->data));
            std::unique_ptr<addrinfo, void (*)(addrinfo*)> owned(result, &uv_freeaddrinfo);
            if (done->alive.expired()) return;
            RunnerLink* link = done->link;
            if (link->m_resolving != req) return; // an abandoned attempt
            link->m_resolving = nullptr;
            link->on_resolved(status, result);
        },
        host.c_str(), port.c_str(), &hints);
    if (rc < 0) return fail_soon(fmt::format("resolve {}: {}", host, uv_strerror(rc)));
    m_resolving = &request->req;
    (void)request.release(); // libuv's until the callback
}

void RunnerLink::on_resolved(int status, const addrinfo* result) {
    if (m_phase != Phase::resolving) return;
    if (status < 0 || !result)
        return fail(fmt::format("resolve {}: {}", m_runner.host, uv_strerror(status)));
    connect_to(result->ai_addr);
}

void RunnerLink::connect_to(const sockaddr* address) {
    m_phase = Phase::connecting;
    auto tcp = event::Handle<uv_tcp_t>::create(
        "uv_tcp_init", this, [this](uv_tcp_t* t) { return uv_tcp_init(m_loop, t); });
    if (!tcp) return fail_soon(tcp.error().message);
    m_connecting = std::move(*tcp);
    auto request = std::make_unique<ConnectRequest>();
    request->alive = m_alive;
    request->link = this;
    request->req.data = request.get();
    int rc = uv_tcp_connect(
        &request->req, m_connecting.get(), address, [](uv_connect_t* req, int status) {
            std::unique_ptr<ConnectRequest> done(static_cast<ConnectRequest*>(req->data));
            if (status == UV_ECANCELED || done->alive.expired()) return; // its handle was closed
            RunnerLink* link = done->link;
            if (link->m_phase != Phase::connecting ||
                reinterpret_cast<uv_tcp_t*>(req->handle) != link->m_connecting.get())
                return;
            link->on_connected(status);
        });
    if (rc < 0) return fail_soon(fmt::format("connect: {}", uv_strerror(rc)));
    (void)request.release();
}

void RunnerLink::on_connected(int status) {
    if (status < 0) return fail(fmt::format("connect: {}", uv_strerror(status)));
    uv_tcp_nodelay(m_connecting.get(), 1);
    auto stream = event::FrameStream::start(
        std::move(m_connecting).release_as<uv_stream_t>(), proto::Limits{},
        {.frame = [this](const proto::Frame& frame) { on_frame(frame); },
         .end = [this](const event::StreamEnd& end) { fail(end.error.message); }});
    if (!stream) return fail(stream.error().message);
    m_stream = std::move(*stream);
    m_phase = Phase::greeting; // the connect timer now waits for the greeting
}

void RunnerLink::on_connect_timeout() {
    if (m_pending_failure) {
        std::string reason = std::move(*m_pending_failure);
        m_pending_failure.reset();
        return fail(reason);
    }
    switch (m_phase) {
    case Phase::resolving:
        return fail(fmt::format("resolving {} timed out", m_runner.host));
    case Phase::connecting:
        return fail(fmt::format("connect timed out after {} ms", m_options.connect_timeout_ms));
    case Phase::greeting:
        return fail(fmt::format("no greeting within {} ms", m_options.connect_timeout_ms));
    case Phase::authenticating:
        return fail(
            fmt::format("no answer to authentication within {} ms", m_options.connect_timeout_ms));
    default:
        return;
    }
}

void RunnerLink::on_reconnect_timer() {
    if (m_phase != Phase::idle) return;
    m_events.link_connecting(m_index);
    connect();
}

// ---- frames ----

void RunnerLink::on_frame(const proto::Frame& frame) {
    m_last_heard_ms = now_ms();
    if (m_phase == Phase::greeting) return on_greeting(frame);
    if (m_phase == Phase::authenticating) return on_auth_proof(frame);
    switch (frame.type) {
    case proto::MsgType::job_result: {
        auto result = proto::decode_as<proto::JobResult>(frame);
        if (!result) return fail(fmt::format("bad job result: {}", result.error().message));
        m_jobs.erase(result->job_id);
        m_events.link_job_result(m_index, std::move(*result));
        return;
    }
    case proto::MsgType::need_files: {
        auto need = proto::decode_as<proto::NeedFiles>(frame);
        if (!need) return fail(fmt::format("bad file request: {}", need.error().message));
        return on_need_files(*need);
    }
    case proto::MsgType::error: {
        auto error = proto::decode_as<proto::ErrorMsg>(frame);
        return fail(error ? fmt::format("runner error: {}", error->message)
                          : fmt::format("bad error frame: {}", error.error().message));
    }
    case proto::MsgType::pong:
    case proto::MsgType::stats:
        return;
    default:
        return fail(fmt::format("unexpected {} frame", proto::msg_type_name(frame.type)));
    }
}

void RunnerLink::on_greeting(const proto::Frame& frame) {
    if (frame.type == proto::MsgType::error) {
        auto error = proto::decode_as<proto::ErrorMsg>(frame);
        return fail(error ? fmt::format("runner error: {}", error->message)
                          : fmt::format("bad error frame: {}", error.error().message));
    }
    auto hello = proto::decode_as<proto::RunnerHello>(frame);
    if (!hello) return fail(fmt::format("bad greeting: {}", hello.error().message));
    if (hello->protocol_version != proto::kProtocolVersion)
        return fail(fmt::format("runner speaks protocol version {}, we speak {}",
                                hello->protocol_version, proto::kProtocolVersion));
    proto::ClientHello answer;
    answer.client_name = m_options.client_name;
    m_expected_proof.clear();
    if (!m_runner.key_file.empty()) {
        // Read on every connection, so a replaced key is used from the next reconnect on.
        auto key = proto::auth::load_key_file(m_runner.key_file);
        if (!key) return fail(key.error().message);
        auto reply = proto::auth::answer_challenge(*key, hello->challenge, answer.client_name);
        if (!reply) return fail(reply.error().message);
        answer.auth_response = std::move(reply->response);
        m_expected_proof = std::move(reply->expected_proof);
    }
    auto bytes = proto::frame(answer);
    if (!bytes) return fail(bytes.error().message);
    m_stream->send(std::move(*bytes));
    m_hello = std::move(*hello);
    // A runner with a key answers with its proof, or refuses us; either way we wait for it
    // (the connect timer still runs) instead of sending jobs that would be lost.
    if (!m_expected_proof.empty() || !m_hello.challenge.empty()) {
        m_phase = Phase::authenticating;
        return;
    }
    become_up();
}

void RunnerLink::on_auth_proof(const proto::Frame& frame) {
    if (frame.type == proto::MsgType::error) {
        auto error = proto::decode_as<proto::ErrorMsg>(frame);
        if (error && error->code == proto::ErrorCode::auth && m_expected_proof.empty())
            return fail(fmt::format("runner error: {} (set key_file for it in hosts.toml)",
                                    error->message));
        return fail(error ? fmt::format("runner error: {}", error->message)
                          : fmt::format("bad error frame: {}", error.error().message));
    }
    if (m_expected_proof.empty())
        return fail(fmt::format("runner sent {} instead of refusing a client without a key",
                                proto::msg_type_name(frame.type)));
    auto proof = proto::decode_as<proto::AuthProof>(frame);
    if (!proof) return fail(fmt::format("bad authentication proof: {}", proof.error().message));
    if (auto checked = proto::auth::check_proof(m_expected_proof, proof->proof); !checked)
        return fail(checked.error().message);
    become_up();
}

void RunnerLink::become_up() {
    uv_timer_stop(m_connect_timer.get());
    m_phase = Phase::up;
    if (m_options.ping_interval_ms > 0) {
        auto armed = event::start_timer(
            m_ping_timer, &event::timer_trampoline<RunnerLink, &RunnerLink::on_ping_timer>,
            m_options.ping_interval_ms, m_options.ping_interval_ms);
        if (!armed) return fail(armed.error().message);
    }
    m_events.link_up(m_index, m_hello);
}

static constexpr size_t kFileDataBatchBytes = size_t(32) << 20;
// The slowest transfer a job's timeout allows for: 5 MB/s (a busy 100 Mbit/s link).
static constexpr size_t kMinBytesPerMs = 5000;

void RunnerLink::on_need_files(const proto::NeedFiles& need) {
    auto it = m_jobs.find(need.job_id);
    if (it == m_jobs.end()) return; // a job we gave up on; the runner will not get its files
    PendingJob& job = *it->second;
    proto::FileData data;
    data.job_id = need.job_id;
    size_t batch_bytes = 0, sent_bytes = 0;
    // False when the batch cannot be framed: the job cannot go on here (its files are fine).
    auto send_batch = [&] {
        auto bytes = proto::frame(data, m_options.compression_level);
        if (!bytes) {
            uint64_t id = need.job_id;
            m_jobs.erase(it);
            m_events.link_job_unservable(m_index, id, bytes.error());
            return false;
        }
        m_stream->send(std::move(*bytes));
        return true;
    };
    for (const auto& hash : need.hashes) {
        auto path = job.paths.find(hash);
        if (path == job.paths.end())
            return fail(
                fmt::format("runner asked for {}, not in job {}'s manifest", hash, need.job_id));
        auto blob = m_files.blob(path->second, hash);
        if (!blob) {
            uint64_t id = need.job_id;
            m_jobs.erase(it);
            m_events.link_job_unservable(m_index, id, blob.error());
            return;
        }
        // A toolchain is hundreds of MiB: frames of a bounded size keep both sides' memory
        // bounded (one blob larger than the bound travels alone).
        if (!data.blobs.empty() && batch_bytes + blob->size() > kFileDataBatchBytes) {
            if (!send_batch()) return;
            data.blobs.clear();
            batch_bytes = 0;
        }
        batch_bytes += blob->size();
        sent_bytes += blob->size();
        data.blobs.push_back(proto::FileBlob{hash, std::move(*blob)});
    }
    if (!data.blobs.empty() && !send_batch()) return;
    // The job's time starts again once its files are on their way, with room for them to
    // travel and be stored: the first job to a runner carries the compiler, 80-240 MiB,
    // which a slow link or a loaded runner takes seconds to take in. A runner that stalls is
    // still caught, only later.
    auto armed =
        event::start_timer(job.timer, &event::timer_trampoline<PendingJob, &PendingJob::on_timeout>,
                           m_options.job_timeout_ms + sent_bytes / kMinBytesPerMs, 0);
    if (!armed) return fail(fmt::format("job {}: {}", need.job_id, armed.error().message));
    m_events.link_job_files_sent(m_index, need.job_id);
}

// ---- jobs ----

void RunnerLink::send_job(const proto::JobRequest& request) {
    if (m_phase != Phase::up) {
        log::error("internal: job {} sent to {} while it is not up", request.job_id, m_runner.name);
        return;
    }
    auto job = std::make_unique<PendingJob>();
    job->link = this;
    job->id = request.job_id;
    for (const auto* list : {&request.files, &request.toolchain.files})
        for (const auto& file : *list)
            job->paths.emplace(file.hash, file.path);
    // A job without its timeout could wait for ever: if the timer cannot run, the job is not
    // sent and the link goes down (from the loop), which hands its jobs back to the scheduler.
    auto timer = event::Handle<uv_timer_t>::create(
        "uv_timer_init", job.get(), [this](uv_timer_t* t) { return uv_timer_init(m_loop, t); });
    Result<void> armed = timer ? ok() : Result<void>(timer.error());
    if (timer) {
        job->timer = std::move(*timer);
        armed = event::start_timer(job->timer,
                                   &event::timer_trampoline<PendingJob, &PendingJob::on_timeout>,
                                   m_options.job_timeout_ms, 0);
    }
    if (!armed) {
        m_jobs[request.job_id] = std::move(job);
        return fail_soon(
            fmt::format("job {}: no timeout: {}", request.job_id, armed.error().message));
    }
    auto bytes = proto::frame(request, m_options.compression_level);
    if (!bytes) {
        // Reported from the job's own timer, so nothing re-enters the scheduler while it
        // dispatches.
        job->unsendable = std::move(bytes.error());
        auto now = event::start_timer(
            job->timer, &event::timer_trampoline<PendingJob, &PendingJob::on_timeout>, 0, 0);
        m_jobs[request.job_id] = std::move(job);
        if (!now)
            return fail_soon(
                fmt::format("job {}: no timeout: {}", request.job_id, now.error().message));
        return;
    }
    m_jobs[request.job_id] = std::move(job);
    m_stream->send(std::move(*bytes));
}

void RunnerLink::cancel_job(uint64_t job) {
    if (m_phase != Phase::up || !m_jobs.count(job)) return;
    auto bytes = proto::frame(proto::JobCancel{job});
    if (!bytes) return fail_soon(fmt::format("job {}: {}", job, bytes.error().message));
    m_stream->send(std::move(*bytes));
}

void RunnerLink::forget_job(uint64_t job) {
    m_jobs.erase(job);
}

void RunnerLink::PendingJob::on_timeout() {
    RunnerLink* owner = link; // fail() destroys this PendingJob
    if (unsendable) {
        const Error why = std::move(*unsendable);
        const uint64_t job = id;
        owner->m_jobs.erase(job);
        owner->m_events.link_job_unservable(owner->m_index, job, why);
        return;
    }
    owner->fail(fmt::format("job {} not answered within {} s", id,
                            owner->m_options.job_timeout_ms / 1000.0));
}

void RunnerLink::on_ping_timer() {
    if (m_phase != Phase::up) return;
    uint64_t silent = now_ms() - m_last_heard_ms;
    if (silent > kPingsMissedLimit * m_options.ping_interval_ms)
        return fail(fmt::format("no answer for {} s", silent / 1000));
    if (auto ping = proto::encode_frame(proto::MsgType::ping, {})) m_stream->send(std::move(*ping));
}

// ---- failure ----

void RunnerLink::fail(const std::string& reason) {
    if (m_phase == Phase::idle || m_phase == Phase::stopped) return;
    close_connection();
    m_phase = Phase::idle;
    auto armed = event::start_timer(
        m_reconnect_timer, &event::timer_trampoline<RunnerLink, &RunnerLink::on_reconnect_timer>,
        m_options.backoff_ms, 0);
    if (!armed) return broken(armed.error());
    m_events.link_down(m_index, reason);
}

void RunnerLink::fail_soon(std::string reason) {
    // Reported from the loop, not from inside the caller's call into us.
    m_pending_failure = std::move(reason);
    auto armed = event::start_timer(
        m_connect_timer, &event::timer_trampoline<RunnerLink, &RunnerLink::on_connect_timeout>, 0,
        0);
    if (!armed) broken(armed.error());
}

void RunnerLink::broken(const Error& why) {
    // Without its timers the link could wait for ever: it stays down for good, said loudly.
    log::error("runner {}: {}: no more connections to it", m_runner.name, why.message);
    bool was_up = m_phase != Phase::idle && m_phase != Phase::stopped;
    stop();
    if (was_up) m_events.link_down(m_index, why.message);
}

void RunnerLink::close_connection() {
    m_stream.reset();
    m_connecting.reset();
    if (m_resolving) {
        uv_cancel(reinterpret_cast<uv_req_t*>(m_resolving));
        m_resolving = nullptr;
    }
    if (m_connect_timer) uv_timer_stop(m_connect_timer.get());
    if (m_ping_timer) uv_timer_stop(m_ping_timer.get());
    m_jobs.clear();
}

} // namespace ferry::coordinator
