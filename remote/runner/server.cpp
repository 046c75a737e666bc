#include "remote/runner/server.hpp"

#include "remote/runner/connection.hpp"
#include "remote/runner/peer.hpp"
#include "util/cidr.hpp"
#include "util/log.hpp"

#include <signal.h>

namespace ferry::runner {

// Refused connections: this many log lines per interval, then one summary line with a count.
static constexpr uint64_t kRefusalLogIntervalMs = 10000;
static constexpr unsigned kRefusalLogBurst = 5;

Server::Server(uv_loop_t* loop, ServerConfig config, FileCache& cache)
    : m_loop(loop), m_config(std::move(config)), m_cache(cache),
      m_queue(m_config.options.jobs, m_config.options.max_queue),
      m_refusal_log(kRefusalLogIntervalMs, kRefusalLogBurst),
      m_intake_policy(std::make_shared<IntakePolicy>(
          IntakePolicy{m_config.allowlist, m_config.sandbox == SandboxMode::sandboxed,
                       m_config.options.installed_compilers_only, m_config.manifest})),
      // A connection that is gone takes its job with it: the work (and its directory) is
      // dropped here.
      m_mirror(
          loop,
          [this](std::unique_ptr<IntakeCheck> work) {
              auto it = m_connections.find(work->connection_id);
              if (it != m_connections.end()) it->second->on_intake_checked(std::move(work));
          },
          [this](std::unique_ptr<MirrorWork> work) {
              auto it = m_connections.find(work->connection_id);
              if (it != m_connections.end()) it->second->on_mirror_built(std::move(work));
          }),
      // As many as can finish at once: each slot's next job finds the mirror it left.
      m_pool(m_config.options.reuse_mirrors && m_config.sandbox == SandboxMode::sandboxed
                 ? m_config.options.jobs
                 : 0) {}

Server::~Server() {
    // Anything still alive dies with us: compilers are killed by ~Job, job directories go
    // with their TempDir, handles are closed (the caller runs the loop to free them).
    m_jobs.clear();
    m_waiting.clear();
    m_connections.clear();
    m_dead_jobs.clear();
    m_dead_connections.clear();
}

Result<void> Server::start(std::vector<Fd> listeners, const std::vector<std::string>& names) {
    for (size_t i = 0; i < listeners.size(); ++i) {
        FERRY_TRY(tcp, event::Handle<uv_tcp_t>::create("uv_tcp_init", this, [this](uv_tcp_t* t) {
                      return uv_tcp_init(m_loop, t);
                  }));
        if (int rc = uv_tcp_open(tcp->get(), listeners[i].get()); rc != 0)
            return make_error(Errc::io, "listen on {}: {}", names[i], uv_strerror(rc));
        listeners[i].release(); // the handle owns the socket now
        int rc = uv_listen(tcp->stream(), 128, [](uv_stream_t* s, int status) {
            Server* server = event::owner_of<Server>(s);
            if (!server) return;
            if (status != 0) {
                log::warning("accept: {}", uv_strerror(status));
                return;
            }
            server->on_connection(s);
        });
        if (rc != 0) return make_error(Errc::io, "listen on {}: {}", names[i], uv_strerror(rc));
        m_listeners.push_back(std::move(*tcp));
    }
    for (auto [handle, signum] : {std::pair{&m_sigterm, SIGTERM}, std::pair{&m_sigint, SIGINT}}) {
        FERRY_TRY(signal, event::Handle<uv_signal_t>::create(
                              "uv_signal_init", this,
                              [this](uv_signal_t* s) { return uv_signal_init(m_loop, s); }));
        *handle = std::move(*signal);
        int rc = uv_signal_start(
            handle->get(),
            [](uv_signal_t* h, int sig) {
                if (Server* server = event::owner_of<Server>(h)) server->on_signal(sig);
            },
            signum);
        if (rc != 0) return event::uv_error("uv_signal_start", rc);
    }
    FERRY_TRY(timer,
              event::Handle<uv_timer_t>::create("uv_timer_init", this, [this](uv_timer_t* t) {
                  return uv_timer_init(m_loop, t);
              }));
    m_refusal_timer = std::move(*timer);
    FERRY_TRY_VOID(event::start_timer(
        m_refusal_timer, &event::timer_trampoline<Server, &Server::flush_refusal_summary>,
        kRefusalLogIntervalMs, kRefusalLogIntervalMs));
    uv_unref(m_refusal_timer.handle()); // it must not keep a finished runner alive
    FERRY_TRY(reaper, event::Handle<uv_idle_t>::create("uv_idle_init", this, [this](uv_idle_t* h) {
                  return uv_idle_init(m_loop, h);
              }));
    m_reaper = std::move(*reaper);
    return ok();
}

Result<void> Server::serve_metrics(Fd listener, const std::string& name) {
    m_metrics_http = std::make_unique<MetricsHttp>(
        m_loop, m_config.options.allow, MetricsHttpLimits{}, [this] { return render_metrics(); },
        [this](int status) { m_metrics.metrics_answered(status); });
    return m_metrics_http->start(std::move(listener), name);
}

std::string Server::render_metrics() const {
    RunnerGauges gauges;
    gauges.jobs_queued = m_waiting.size();
    gauges.jobs_in_intake = jobs_in_intake();
    gauges.slots_busy = m_jobs.size();
    gauges.slots_total = m_config.options.jobs;
    gauges.connections_open = m_connections.size();
    gauges.metrics_connections_open = m_metrics_http ? m_metrics_http->clients() : 0;
    return m_metrics.render(gauges);
}

void Server::on_connection(uv_stream_t* listener) {
    auto accepted = event::accept_tcp(listener);
    if (!accepted) return log::warning("accept: {}", accepted.error().message);
    event::Handle<uv_tcp_t> client = std::move(*accepted);
    sockaddr_storage addr{};
    int len = sizeof addr;
    auto* peer = reinterpret_cast<sockaddr*>(&addr);
    if (int rc = uv_tcp_getpeername(client.get(), peer, &len); rc != 0) {
        log::warning("accept: getpeername: {}", uv_strerror(rc));
        return;
    }
    std::string peer_name = address_to_string(peer);
    if (!peer_allowed(m_config.options.allow, peer)) {
        m_metrics.connection_refused(RefusedConnection::not_allowed);
        refuse_peer(std::move(client), proto::ErrorCode::not_allowed,
                    fmt::format("address {} is not allowed (see --allow)", host_of(peer)),
                    fmt::format("refused connection from {}: not in --allow", peer_name));
        return;
    }
    if (m_connections.size() >= m_config.options.max_connections) {
        m_metrics.connection_refused(RefusedConnection::too_many);
        refuse_peer(std::move(client), proto::ErrorCode::overloaded,
                    fmt::format("too many connections (this runner takes {})",
                                m_config.options.max_connections),
                    fmt::format("refused connection from {}: already {} connections", peer_name,
                                m_config.options.max_connections));
        return;
    }
    uv_tcp_nodelay(client.get(), 1);
    uint64_t id = ++m_last_connection_id;
    auto connection = std::make_unique<Connection>(*this, id, std::move(client), peer_name);
    Connection* c = connection.get();
    m_connections.emplace(id, std::move(connection));
    log::debug("connection from {}", peer_name);
    c->start();
}

void Server::refuse_peer(event::Handle<uv_tcp_t> client, proto::ErrorCode code,
                         const std::string& message, const std::string& log_line) {
    if (m_refusal_log.allow(uv_now(m_loop))) log::warning("{}", log_line);
    // The peer has sent nothing yet (the runner speaks first), so the socket's send buffer
    // is empty and the refusal fits: one try, no waiting. If it does not go, the peer still
    // sees the connection closed, which a client treats the same way.
    auto frame = proto::frame(proto::ErrorMsg{code, message});
    if (!frame) return;
    std::string& bytes = *frame;
    uv_buf_t buf = uv_buf_init(bytes.data(), static_cast<unsigned>(bytes.size()));
    if (int sent = uv_try_write(client.stream(), &buf, 1); sent > 0)
        m_metrics.bytes_sent(static_cast<uint64_t>(sent));
    // `client` closes as it goes out of scope.
}

void Server::flush_refusal_summary() {
    if (auto count = m_refusal_log.take_summary(uv_now(m_loop)))
        log::warning("refused {} more connections in the last {} s (not logged one by one)", *count,
                     kRefusalLogIntervalMs / 1000);
}

size_t Server::jobs_in_intake() const {
    size_t n = m_mirror.in_flight() + m_queue.waiting();
    for (const auto& [id, connection] : m_connections)
        n += connection->jobs_waiting_for_files();
    return n;
}

proto::Stats Server::current_stats() {
    proto::Stats s = m_stats;
    s.jobs_active = static_cast<uint32_t>(m_jobs.size());
    s.jobs_queued = static_cast<uint32_t>(m_waiting.size());
    s.slots = m_config.options.jobs;
    return s;
}

void Server::submit(JobSetup setup) {
    uint64_t key = setup.key;
    switch (m_queue.admit(key)) {
    case JobQueue::Admit::full: {
        proto::JobResult result;
        result.job_id = setup.request.job_id;
        result.status = proto::JobStatus::failed;
        result.message = "queue full";
        log::info("job {} from {}: failed: queue full", setup.request.job_id, setup.peer);
        m_stats.jobs_failed++;
        m_metrics.job_finished(JobOutcome::failed);
        deliver(setup, result);
        return;
    }
    case JobQueue::Admit::queued:
        m_waiting.emplace(key, std::move(setup));
        return;
    case JobQueue::Admit::run_now:
        m_waiting.emplace(key, std::move(setup));
        start_job(key);
        return;
    }
}

bool Server::cancel(uint64_t connection_id, uint64_t job_id) {
    auto is_it = [&](const JobSetup& setup) {
        return setup.connection_id == connection_id && setup.request.job_id == job_id;
    };
    for (auto w = m_waiting.begin(); w != m_waiting.end(); ++w) {
        if (!is_it(w->second)) continue;
        const JobSetup setup = std::move(w->second);
        m_queue.remove_waiting(w->first);
        m_waiting.erase(w);
        m_metrics.job_finished(JobOutcome::cancelled);
        log::info("job {} from {}: {} while it waited for a slot", job_id, setup.peer,
                  kCancelledByClient);
        deliver(setup, cancelled_result(job_id));
        check_drained();
        return true;
    }
    for (auto& [key, job] : m_jobs) {
        if (!is_it(job->setup())) continue;
        job->cancel(); // answered from on_job_done once its compiler is gone
        return true;
    }
    return false;
}

void Server::start_job(uint64_t key) {
    std::optional<uint64_t> next = key;
    while (next) {
        auto node = m_waiting.extract(*next);
        if (node.mapped().sandbox) node.mapped().net = m_config.nets.take();
        auto job = std::make_unique<Job>(
            m_loop, std::move(node.mapped()), m_config.job,
            [this](Job& j, proto::JobResult result) { on_job_done(j, std::move(result)); });
        auto started = job->start();
        if (started) {
            log::debug("job {} from {}: started, {} running", job->setup().request.job_id,
                       job->setup().peer, m_jobs.size() + 1);
            m_jobs.emplace(*next, std::move(job));
            return;
        }
        if (auto net = job->take_net()) m_config.nets.give(std::move(*net)); // never ran
        const JobSetup& setup = job->setup();
        log::warning("job {} from {}: failed: {}", setup.request.job_id, setup.peer,
                     started.error().message);
        m_stats.jobs_failed++;
        m_metrics.job_finished(JobOutcome::failed);
        proto::JobResult result;
        result.job_id = setup.request.job_id;
        result.status = proto::JobStatus::failed;
        result.message = started.error().message;
        deliver(setup, result);
        next = m_queue.finish(*next);
    }
}

void Server::deliver(const JobSetup& setup, const proto::JobResult& result) {
    auto it = m_connections.find(setup.connection_id);
    if (it != m_connections.end()) it->second->send_result(result);
}

void Server::on_job_done(Job& job, proto::JobResult result) {
    const JobSetup& setup = job.setup();
    uint64_t key = setup.key;
    if (job.cancelled()) {
        m_metrics.job_finished(JobOutcome::cancelled);
        // Its client either went away (nobody to answer) or sent JobCancel, and waits for
        // this answer to count the slot free.
        const bool asked = m_connections.count(setup.connection_id) != 0;
        log::info("job {} from {}: {} after {} ms", setup.request.job_id, setup.peer,
                  asked ? "cancelled by the client" : "cancelled (the client went away)",
                  result.compile_ms);
        deliver(setup, result);
    } else if (result.status == proto::JobStatus::completed) {
        m_stats.jobs_completed++;
        m_metrics.job_finished(completed_outcome(result.exit_code, result.term_signal));
        m_metrics.job_ran(job.run_seconds());
        std::string signal =
            result.term_signal ? fmt::format(" (signal {})", result.term_signal) : "";
        log::info("job {} from {}: {} {} -> exit {}{} in {} ms", setup.request.job_id, setup.peer,
                  setup.request.compiler_name, setup.source, result.exit_code, signal,
                  result.compile_ms);
        deliver(setup, result);
    } else {
        m_stats.jobs_failed++;
        m_metrics.job_finished(job.timed_out() ? JobOutcome::timeout : JobOutcome::failed);
        m_metrics.job_ran(job.run_seconds());
        log::warning("job {} from {}: {} {} failed: {}", setup.request.job_id, setup.peer,
                     setup.request.compiler_name, setup.source, result.message);
        deliver(setup, result);
    }
    keep_mirror(job, result);
    return_net(job, result);
    auto it = m_jobs.find(key);
    if (it != m_jobs.end()) {
        m_dead_jobs.push_back(std::move(it->second));
        m_jobs.erase(it);
    }
    reap_later();
    if (auto next = m_queue.finish(key)) start_job(*next);
    check_drained();
}

void Server::keep_mirror(Job& job, const proto::JobResult& result) {
    const JobSetup& setup = job.setup();
    // Only a mirror known to be whole: a job that ran to its end had every file placed, and
    // its sandbox saw the mirror read-only.
    if (job.cancelled() || job.timed_out() || result.status != proto::JobStatus::completed ||
        !setup.sandbox || !setup.mirror_plan || !m_connections.count(setup.connection_id))
        return;
    auto plan = setup.mirror_plan;
    auto dir = job.take_dir();
    if (!dir) return;
    for (auto& gone : m_pool.give({setup.connection_id, std::move(*dir), std::move(plan)}))
        m_mirror.discard(std::move(gone.dir));
}

void Server::return_net(Job& job, const proto::JobResult& result) {
    auto net = job.take_net();
    if (!net) return;
    // ferryd-exec relays the compiler's status only after waiting for it, and the compiler
    // is pid 1 of the job's pid namespace: its end is the end of every process of the job.
    // A job we killed, or whose ferryd-exec was killed, may still have processes dying in
    // the namespace; it is closed instead, and a new one made for the next job.
    if (!job.cancelled() && !job.timed_out() && result.status == proto::JobStatus::completed &&
        result.term_signal != SIGKILL) {
        m_config.nets.give(std::move(*net));
        return;
    }
    net.reset();
    if (auto made = make_net_namespace(m_config.job.exec_helper))
        m_config.nets.give(std::move(*made));
    else
        log::warning("cannot replace a job's network namespace ({}): jobs beyond the {} left "
                     "make their own",
                     made.error().message, m_config.nets.available());
}

void Server::retire(uint64_t connection_id) {
    for (auto& gone : m_pool.drop(connection_id))
        m_mirror.discard(std::move(gone.dir));
    auto it = m_connections.find(connection_id);
    if (it == m_connections.end()) return;
    // Its jobs still in intake are never answered; running ones count when their compiler
    // is gone (on_job_done), waiting ones below.
    for (size_t i = it->second->jobs_in_intake(); i > 0; --i)
        m_metrics.job_finished(JobOutcome::cancelled);
    m_dead_connections.push_back(std::move(it->second));
    m_connections.erase(it);
    for (auto w = m_waiting.begin(); w != m_waiting.end();) {
        if (w->second.connection_id == connection_id) {
            m_queue.remove_waiting(w->first);
            m_metrics.job_finished(JobOutcome::cancelled);
            w = m_waiting.erase(w);
        } else {
            ++w;
        }
    }
    for (auto& [key, job] : m_jobs)
        if (job->setup().connection_id == connection_id) job->cancel();
    reap_later();
}

void Server::on_signal(int signum) {
    if (m_draining) {
        log::info("{} again: stopping now", signum == SIGINT ? "SIGINT" : "SIGTERM");
        stop_now();
        return;
    }
    log::info("{}: finishing {} running and {} queued jobs, then exiting",
              signum == SIGINT ? "SIGINT" : "SIGTERM", m_jobs.size(), m_waiting.size());
    begin_drain();
}

void Server::begin_drain() {
    m_draining = true;
    m_listeners.clear();
    for (auto& [id, connection] : m_connections)
        connection->fail_pending("the runner is shutting down");
    check_drained();
}

void Server::check_drained() {
    if (!m_draining || !m_jobs.empty() || !m_waiting.empty()) return;
    std::vector<Connection*> open;
    for (auto& [id, connection] : m_connections)
        open.push_back(connection.get());
    for (auto* c : open)
        c->close_after_flush();
    reap_later(); // finishes the shutdown once the connections are gone
}

void Server::stop_now() {
    m_draining = true;
    m_listeners.clear();
    m_metrics_http.reset();
    m_jobs.clear(); // kills the compilers
    m_waiting.clear();
    for (auto& [id, connection] : m_connections)
        m_dead_connections.push_back(std::move(connection));
    m_connections.clear();
    reap_later();
}

void Server::reap_later() {
    if (!m_reaper || m_reaper.active()) return;
    uv_idle_start(m_reaper.get(), [](uv_idle_t* h) {
        uv_idle_stop(h);
        if (Server* server = event::owner_of<Server>(h)) server->reap();
    });
}

void Server::reap() {
    m_dead_jobs.clear();
    m_dead_connections.clear();
    if (m_draining && m_connections.empty() && m_jobs.empty() && m_waiting.empty())
        close_idle_handles();
}

void Server::close_idle_handles() {
    // Nothing is left to serve: with these closed the loop has no handles and uv_run returns.
    m_sigterm.reset();
    m_sigint.reset();
    m_reaper.reset();
    flush_refusal_summary();
    m_refusal_timer.reset();
    m_metrics_http.reset(); // served until now, so a scraper sees the drained runner
    log::info("exiting");
}

} // namespace ferry::runner
