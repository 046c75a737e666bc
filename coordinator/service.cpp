#include "coordinator/service.hpp"

#include "coordinator/cost_estimate.hpp"
#include "coordinator/runner_fault.hpp"
#include "coordinator/status.hpp"
#include "remote/toolchain/toolchain_spec.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

#include <csignal>
#include <unistd.h>

namespace ferry::coordinator {

namespace {

constexpr uint64_t kTickMs = 500;
// The scan memo's budget: some 1500 C++ units of 300 headers, or 20000 small C units.
constexpr size_t kMemoBytes = 64u << 20;
// Units whose compile time is remembered: some 1.3 MB on disk when full.
constexpr size_t kCostEntries = 20000;
constexpr uint64_t kCostSaveEveryMs = 10000;
// A watcher this far behind (a `ferry mon` suspended with ^Z) is dropped rather than let it
// grow the coordinator's memory: a few thousand events.
constexpr size_t kMaxWatcherBacklog = 8u << 20;

std::string job_label(const proto::IpcCompile& request) {
    if (!request.outputs.empty()) return basename(request.outputs.front());
    return basename(request.compiler_path);
}

// A short, stable reason for counters; the log keeps the whole message.
std::string manifest_reason(const Error& error) {
    return error.code == Errc::compile_locally ? "reads a file it cannot ship"
                                               : "cannot ship its files";
}

std::string client_name() {
    char host[256] = {};
    size_t size = sizeof host;
    if (uv_os_gethostname(host, &size) != 0) std::snprintf(host, sizeof host, "localhost");
    return fmt::format("ferry-coordinator@{}/{}", host, ::getpid());
}

} // namespace

Result<std::unique_ptr<Service>> Service::start(uv_loop_t* loop, config::Config config,
                                                const std::string& socket_path,
                                                CompilerIds::Probe probe) {
    std::unique_ptr<Service> service(new Service(loop, std::move(config), std::move(probe)));
    FERRY_TRY_VOID(service->open(socket_path));
    return service;
}

Service::Service(uv_loop_t* loop, config::Config config, CompilerIds::Probe probe)
    : m_loop(loop), m_config(std::move(config)), m_compilers(std::move(probe)),
      m_slots(m_config.local_slots), m_memo(kMemoBytes), m_costs(kCostEntries) {
    if (m_config.include_analysis == config::IncludeAnalysis::shadow)
        m_shadow = std::make_unique<IncludeShadow>(loop);
    if (m_config.include_analysis == config::IncludeAnalysis::on)
        m_serve = std::make_unique<IncludeServe>(loop);
}

Service::~Service() {
    stop("exiting");
}

Result<void> Service::open(const std::string& socket_path) {
    std::vector<RunnerSetup> setups;
    for (const auto& runner : m_config.runners)
        setups.push_back(RunnerSetup{runner.name, runner_address(runner), runner.slots});
    Scheduler::Options options;
    options.backoff_ms = m_config.backoff_ms;
    options.warn_on_fallback = m_config.warn_on_fallback;
    options.backups.enabled = m_config.backups;
    m_scheduler = std::make_unique<Scheduler>(std::move(setups), options, *this,
                                              [loop = m_loop] { return uv_now(loop); });
    load_costs(socket_path);

    auto make_timer = [this]() {
        return event::Handle<uv_timer_t>::create(
            "uv_timer_init", this, [this](uv_timer_t* t) { return uv_timer_init(m_loop, t); });
    };
    auto make_signal = [this](int signum) -> Result<event::Handle<uv_signal_t>> {
        FERRY_TRY(handle, event::Handle<uv_signal_t>::create(
                              "uv_signal_init", this,
                              [this](uv_signal_t* s) { return uv_signal_init(m_loop, s); }));
        int rc = uv_signal_start(
            handle->get(),
            [](uv_signal_t* s, int) {
                if (auto* self = event::owner_of<Service>(s)) self->on_signal();
            },
            signum);
        if (rc < 0) return event::uv_error("uv_signal_start", rc);
        return handle;
    };
    FERRY_TRY(tick, make_timer());
    m_tick = std::move(*tick);
    FERRY_TRY(sigterm, make_signal(SIGTERM));
    m_sigterm = std::move(*sigterm);
    FERRY_TRY(sigint, make_signal(SIGINT));
    m_sigint = std::move(*sigint);

    FERRY_TRY(server, IpcServer::listen(m_loop, socket_path, *this));
    m_server = std::move(*server);

    RunnerLink::Options link_options;
    link_options.connect_timeout_ms = m_config.connect_timeout_ms;
    link_options.job_timeout_ms = m_config.job_timeout_ms;
    link_options.backoff_ms = m_config.backoff_ms;
    link_options.compression_level = m_config.compression_level;
    link_options.client_name = client_name();
    for (size_t i = 0; i < m_config.runners.size(); ++i) {
        FERRY_TRY(link,
                  RunnerLink::create(m_loop, i, m_config.runners[i], link_options, m_files, *this));
        m_links.push_back(std::move(*link));
    }
    m_last_down_reason.resize(m_links.size());
    for (auto& link : m_links)
        link->start();

    if (m_config.local_when_idle && !m_config.runners.empty()) {
        m_cpu_meter = CpuMeter::detect();
        m_offload.set_budget(m_cpu_meter->capacity());
        m_offload_runs = OffloadRuns("/proc", m_cpu_meter->capacity());
        log::info("queued jobs compile here when this machine is idle (measured: {})",
                  m_cpu_meter->describe());
    }
    m_last_busy_ms = now_ms();
    FERRY_TRY_VOID(event::start_timer(m_tick, &event::timer_trampoline<Service, &Service::on_tick>,
                                      kTickMs, kTickMs));
    log::info("coordinator listening on {}: {} runner(s), {} local slot(s), configuration {}",
              socket_path, m_config.runners.size(), m_slots.capacity(),
              m_config.source.empty() ? "(none)" : m_config.source);
    return ok();
}

void Service::stop(const std::string& why) {
    if (m_stopped) return;
    m_stopped = true;
    log::info("coordinator stopping: {}", why);
    if (m_server) m_server->close_all();
    for (auto& link : m_links)
        link->stop();
    m_tick.reset();
    m_sigterm.reset();
    m_sigint.reset();
    save_costs();
    if (m_shadow) {
        m_shadow->stop();
        const ShadowCounters& c = m_shadow->counters();
        log::info("include analysis (shadow): {} units, {} superset, {} missed, {} refused, "
                  "{:.1f} ms analysing, {:.1f} ms probing compilers",
                  c.units, c.superset, c.missed, c.refused,
                  static_cast<double>(c.analysis_us) / 1000.0,
                  static_cast<double>(c.probe_us) / 1000.0);
    }
    if (m_serve) {
        m_serve->stop();
        const ShadowCounters& c = m_serve->counters();
        log::info("include analysis (on): {} units analysed, {} jobs served, {} proved, {} "
                  "missed, {} sent to the scan, {:.1f} ms analysing, {:.1f} ms probing compilers",
                  c.units, m_serve->served(), c.superset, c.missed, c.refused,
                  static_cast<double>(c.analysis_us) / 1000.0,
                  static_cast<double>(c.probe_us) / 1000.0);
    }
}

void Service::load_costs(const std::string& socket_path) {
    const std::string_view sock = ".sock";
    std::string base = socket_path;
    if (base.size() > sock.size() &&
        base.compare(base.size() - sock.size(), sock.size(), sock) == 0)
        base.resize(base.size() - sock.size());
    m_costs_path = base + ".costs";
    if (auto loaded = m_costs.load(m_costs_path); !loaded) {
        if (loaded.error().code == Errc::not_found) return; // nothing kept yet
        log::warning("ignoring the remembered compile times: {}", loaded.error().message);
        return;
    }
    log::info("{} remembered compile time(s) from {}", m_costs.size(), m_costs_path);
}

void Service::save_costs() {
    if (m_costs_path.empty() || !m_costs.dirty()) return;
    m_costs_saved_ms = now_ms();
    if (auto saved = m_costs.save(m_costs_path); !saved)
        log::warning("cannot keep the compile times: {}", saved.error().message);
}

void Service::on_signal() {
    stop("signal");
}

void Service::on_tick() {
    m_scheduler->tick();
    offload_when_idle();
    drop_lagging_watchers();
    close_unsendable();
    bool busy = m_server->connections() > 0 || !m_jobs.empty() || !m_scheduler->idle();
    // Between builds, so a crash loses little, and not after every job of a make -j1.
    if (m_jobs.empty() && now_ms() - m_costs_saved_ms >= kCostSaveEveryMs) save_costs();
    if (busy) {
        m_last_busy_ms = now_ms();
        return;
    }
    if (now_ms() - m_last_busy_ms >= uint64_t(m_config.idle_timeout_s) * 1000)
        stop(fmt::format("idle for {} s", m_config.idle_timeout_s));
}

void Service::offload_when_idle() {
    if (!m_cpu_meter) return;
    auto reading = m_cpu_meter->read();
    if (!reading) {
        log::warning("cannot measure this machine's CPU ({}): queued jobs wait for runners",
                     reading.error().message);
        m_cpu_meter.reset();
        return;
    }
    // The compiles sent back here use CPU nothing else wanted: idle, not load.
    const double own_s = m_offload_runs.take_cpu_seconds(uv_hrtime());
    if (m_last_cpu) {
        const double capacity = m_cpu_meter->capacity();
        double idle = idle_cpus(*m_last_cpu, *reading, capacity);
        const double interval_s = double(reading->at_ns - m_last_cpu->at_ns) / 1e9;
        if (interval_s > 0) idle = std::min(capacity, idle + own_s / interval_s);
        m_offload.measured(idle);
    }
    m_last_cpu = *reading;
    offload_queued("");
}

void Service::offload_queued(std::string_view trigger) {
    if (!m_cpu_meter) return;
    while (m_offload.take(m_scheduler->queued(), m_slots.capacity() - m_slots.in_use())) {
        log::info("{:.1f} CPUs idle here while runners are full{}: a queued job compiles here",
                  m_offload.idle(), trigger);
        if (!m_scheduler->take_queued_for_local(kIdleOffloadReason)) break;
    }
}

// ---- IPC ----

void Service::ipc_frame(ConnectionId connection, proto::Frame frame) {
    auto handled = handle_frame(connection, frame);
    if (!handled) {
        log::warning("closing client connection {}: {}", connection, handled.error().message);
        m_server->close_connection(connection, handled.error().message);
    }
}

Result<void> Service::handle_frame(ConnectionId connection, const proto::Frame& frame) {
    auto expect_empty = [&]() -> Result<void> {
        if (!frame.payload.empty())
            return make_error(Errc::protocol, "{} frame with a payload",
                              proto::msg_type_name(frame.type));
        return ok();
    };
    switch (frame.type) {
    case proto::MsgType::ipc_acquire_local: {
        FERRY_TRY(request, proto::decode_as<proto::IpcAcquireLocal>(frame));
        m_board.local_requested(connection, *request);
        if (request->what == "preprocess") ++m_scan_passes;
        if (request->what == "compile" &&
            m_offload_runs.started(connection, request->pid, uv_hrtime()))
            m_offload.started();
        if (m_slots.acquire(connection)) grant({connection});
        return ok();
    }
    case proto::MsgType::ipc_release_local: {
        FERRY_TRY(release, proto::decode_as<proto::IpcReleaseLocal>(frame));
        std::vector<OwnerId> granted;
        if (!m_slots.release(connection, granted))
            return make_error(Errc::protocol, "released a local slot it did not hold");
        if (m_offload_runs.finished(connection, uv_hrtime(), release->children_cpu_us))
            m_offload.finished();
        m_board.local_released(connection);
        grant(granted);
        offload_queued(" (a local slot freed)");
        return ok();
    }
    case proto::MsgType::ipc_compile: {
        FERRY_TRY(request, proto::decode_as<proto::IpcCompile>(frame));
        compile(connection, std::move(*request));
        return ok();
    }
    case proto::MsgType::ipc_memo_request: {
        FERRY_TRY(request, proto::decode_as<proto::IpcMemoRequest>(frame));
        proto::IpcMemo answer;
        if (auto known = m_memo.get(request->key)) {
            answer.found = true;
            answer.request = std::move(*known);
        }
        FERRY_TRY(bytes, proto::frame(answer));
        m_server->send(connection, std::move(*bytes));
        return ok();
    }
    case proto::MsgType::ipc_speculation_used: {
        FERRY_TRY_VOID(expect_empty());
        auto it = m_unconfirmed.find(connection);
        if (it == m_unconfirmed.end())
            return make_error(Errc::protocol, "no speculative answer to confirm");
        const Answered& used = it->second;
        if (used.remote) {
            log::info("job {} {}: speculative answer used", used.job, used.label);
            ++m_speculation.used;
        } else {
            // Its scan agreed with the start (the same files): the unit compiles here now.
            log::info("job {} {}: speculative answer used: local ({})", used.job, used.label,
                      used.local_reason);
            m_scheduler->record_local();
            m_board.count_fallback(used.local_reason);
        }
        m_board.speculation_used(connection);
        m_unconfirmed.erase(it);
        return ok();
    }
    case proto::MsgType::ipc_status_request: {
        FERRY_TRY_VOID(expect_empty());
        FERRY_TRY(bytes, proto::frame(status()));
        m_server->send(connection, std::move(*bytes));
        return ok();
    }
    case proto::MsgType::ipc_jobs_request: {
        FERRY_TRY_VOID(expect_empty());
        FERRY_TRY(bytes, proto::frame(snapshot("")));
        m_server->send(connection, std::move(*bytes));
        return ok();
    }
    case proto::MsgType::ipc_watch: {
        FERRY_TRY(request, proto::decode_as<proto::IpcWatch>(frame));
        watch(connection, std::move(*request));
        return ok();
    }
    case proto::MsgType::ipc_shutdown:
        FERRY_TRY_VOID(expect_empty());
        stop("asked to shut down");
        return ok();
    default:
        return make_error(Errc::protocol, "unexpected {} frame", proto::msg_type_name(frame.type));
    }
}

void Service::ipc_closed(ConnectionId connection, const std::string&) {
    if (auto it = m_unconfirmed.find(connection); it != m_unconfirmed.end()) {
        log::info("job {} {}: speculative answer not used (the scan found another request)",
                  it->second.job, it->second.label);
        if (it->second.remote)
            ++m_speculation.unused_answered;
        else
            ++m_speculation.unused_local;
        m_unconfirmed.erase(it);
    }
    if (m_watchers.erase(connection) && m_watchers.empty()) m_board.set_listener(nullptr);
    std::erase_if(m_analysing,
                  [connection](const auto& entry) { return entry.second == connection; });
    std::vector<OwnerId> granted;
    const bool held_slot = m_slots.held_by(connection) > 0;
    m_slots.drop_owner(connection, granted);
    if (m_offload_runs.finished(connection, uv_hrtime())) m_offload.finished();
    m_board.closed(connection);
    grant(granted);
    if (held_slot) offload_queued(" (a local slot freed)");
    // Its jobs' answers are no longer wanted; a running one keeps its runner slot until the
    // runner answers.
    for (auto it = m_jobs.begin(); it != m_jobs.end();) {
        if (it->second.owner != connection) {
            ++it;
            continue;
        }
        JobId id = it->first;
        if (it->second.speculative) ++m_speculation.unused_dropped;
        log::info("job {} {}: {}", id, it->second.label,
                  it->second.speculative ? "speculative start dropped by its client"
                                         : "client went away");
        it = m_jobs.erase(it);
        m_scheduler->cancel(id);
    }
    m_last_busy_ms = now_ms();
}

void Service::grant(const std::vector<OwnerId>& owners) {
    for (OwnerId owner : owners) {
        m_board.local_granted(owner);
        if (auto granted = proto::encode_frame(proto::MsgType::ipc_granted, {}))
            m_server->send(owner, std::move(*granted));
    }
}

namespace {

// The include analysis' counters, the same fields in shadow and "on" mode.
void analysis_counters(const ShadowCounters& c, bool pending, proto::IpcStatus& status) {
    status.shadow_units = c.units;
    status.shadow_superset = c.superset;
    status.shadow_missed = c.missed;
    status.shadow_refused = c.refused;
    status.shadow_extra_files = c.extra_files;
    status.shadow_analysis_us = c.analysis_us;
    status.shadow_median_us = c.median_us();
    status.shadow_probe_us = c.probe_us;
    status.shadow_pending = pending;
}

} // namespace

proto::IpcStatus Service::status() const {
    proto::IpcStatus status =
        make_status(*m_scheduler, m_slots, static_cast<uint32_t>(::getpid()), now_ms());
    status.jobs_kept_local = m_board.kept_local();
    status.links_local = m_board.links();
    for (const auto& [reason, count] : m_board.local_reasons())
        status.local_reasons.push_back(proto::ReasonCount{reason, count});
    status.watchers = static_cast<uint32_t>(m_watchers.size());
    status.speculative_used = m_speculation.used;
    status.speculative_unused =
        m_speculation.unused_answered + m_speculation.unused_dropped + m_speculation.unused_local;
    // The unit's job is the scanned request the wrapper sent next: one remote compile each.
    status.jobs_remote -= std::min(status.jobs_remote, m_speculation.unused_answered);
    status.scan_passes = m_scan_passes;
    status.offload_cpu_ms = m_offload_runs.total_cpu_ms();
    status.include_analysis_mode = m_serve ? "on" : m_shadow ? "shadow" : "off";
    if (m_serve) {
        analysis_counters(m_serve->counters(), !m_serve->idle(), status);
        status.analysis_served = m_serve->served();
        for (const auto& [reason, count] : m_serve->scanned())
            status.analysis_scanned.push_back(proto::ReasonCount{reason, count});
    }
    if (m_shadow) {
        analysis_counters(m_shadow->counters(), !m_shadow->idle(), status);
    }
    return status;
}

// ---- watchers ----

proto::IpcJobs Service::snapshot(const std::string& build) const {
    proto::IpcJobs jobs;
    jobs.status = status();
    for (auto& job : m_board.jobs())
        if (build.empty() || job.build == build) jobs.jobs.push_back(std::move(job));
    jobs.now_us = uv_hrtime() / 1000;
    return jobs;
}

void Service::watch(ConnectionId connection, proto::IpcWatch what) {
    if (!what.finished_only) send_message(connection, snapshot(what.build));
    m_watchers[connection] = std::move(what);
    m_board.set_listener(
        [this](const proto::JobView& job, bool finished) { on_job_event(job, finished); });
}

void Service::on_job_event(const proto::JobView& job, bool finished) {
    std::string bytes; // encoded once, for every watcher that wants it
    for (const auto& [connection, what] : m_watchers) {
        if (!what.build.empty() && what.build != job.build) continue;
        if (what.finished_only && !finished) continue;
        if (m_server->queued_bytes(connection) > kMaxWatcherBacklog) {
            m_lagging.push_back(connection);
            continue;
        }
        if (bytes.empty()) {
            auto event = proto::frame(proto::IpcJobEvent{job, finished, uv_hrtime() / 1000});
            if (!event) {
                log::error("job {}: {}", job.id, event.error().message);
                return;
            }
            bytes = std::move(*event);
        }
        m_server->send(connection, bytes);
    }
}

void Service::send_snapshots() {
    for (const auto& [connection, what] : m_watchers)
        if (!what.finished_only) send_message(connection, snapshot(what.build));
}

template <typename Msg> void Service::send_message(ConnectionId connection, const Msg& msg) {
    auto bytes = proto::frame(msg);
    if (!bytes) {
        log::error("connection {}: {}", connection, bytes.error().message);
        m_unsendable.push_back(connection);
        return;
    }
    m_server->send(connection, std::move(*bytes));
}

void Service::close_unsendable() {
    auto unsendable = std::move(m_unsendable);
    m_unsendable.clear();
    for (ConnectionId connection : unsendable)
        m_server->close_connection(connection, "an answer too large for a frame");
}

void Service::drop_lagging_watchers() {
    auto lagging = std::move(m_lagging);
    m_lagging.clear();
    for (ConnectionId connection : lagging)
        if (m_watchers.count(connection)) {
            log::warning("dropping watcher {}: it stopped reading", connection);
            m_server->close_connection(connection, "watcher stopped reading");
        }
}

// ---- jobs ----

void Service::compile(ConnectionId connection, proto::IpcCompile request) {
    JobId id = m_next_job++;
    m_board.submitted(connection, id, request);
    if (m_serve && !request.scan_reason.empty()) m_serve->count_scanned(request.scan_reason);
    if (request.analyse) {
        m_analysing[id] = connection;
        if (!m_serve) {
            ServeAnswer off;
            off.scan_needed = "include analysis is off";
            return served(id, std::move(request), std::move(off));
        }
        auto kept = std::make_shared<proto::IpcCompile>(std::move(request));
        m_serve->analyse(*kept, [this, id, kept](ServeAnswer answer) {
            served(id, std::move(*kept), std::move(answer));
        });
        return;
    }
    // Only what a scan produced is remembered: a speculative request came from the memo
    // (whose get() has already marked it used).
    if (!request.memo_key.empty() && !request.speculative) m_memo.put(request.memo_key, request);
    // Compared with the scan's answer only: a speculative request carries the memo's.
    if (m_shadow && !request.speculative) m_shadow->submit(request);
    start_job(id, connection, std::move(request), nullptr);
}

void Service::served(JobId id, proto::IpcCompile request, ServeAnswer answer) {
    auto it = m_analysing.find(id);
    if (it == m_analysing.end()) return; // its wrapper went away
    ConnectionId connection = it->second;
    m_analysing.erase(it);
    if (!answer.scan_needed.empty())
        return reply_scan(id, connection, job_label(request), answer.scan_needed);
    request.files = std::move(answer.files);
    request.system_include_dirs = std::move(answer.system_include_dirs);
    std::optional<Result<Manifest>> manifest;
    if (answer.proof->partial) {
        // An -MMD rule lists no system header: proved only when the sandbox can hold none
        // the analysis did not find (include_proof.hpp). A compiler or manifest that fails
        // here fails again in start_job, which says so.
        if (auto identity = m_compilers.identity(request.compiler_path)) {
            manifest =
                build_manifest(m_files, m_dir_links, request, &answer.proof->has_include_names);
            if (*manifest) {
                auto problem = partial_proof_problem(
                    (*manifest)->has_include_files, (*manifest)->searched, (*manifest)->files,
                    remote::toolchain_spec(*identity, request.language).files);
                if (!problem.empty()) {
                    m_serve->count_refused();
                    return reply_scan(id, connection, job_label(request), problem);
                }
            }
        }
    }
    m_serve->count_served();
    start_job(id, connection, std::move(request), std::move(answer.proof), std::move(manifest));
}

void Service::reply_scan(JobId id, ConnectionId connection, const std::string& label,
                         const std::string& reason) {
    log::info("job {} {}: the wrapper scans ({})", id, label, reason);
    m_board.answered(id, false, "scan: " + reason);
    if (m_serve) m_serve->count_scanned(reason);
    proto::IpcCompileResult result;
    result.scan_needed = reason;
    send_message(connection, result);
}

void Service::start_job(JobId id, ConnectionId connection, proto::IpcCompile request,
                        std::shared_ptr<const ProofBasis> proof,
                        std::optional<Result<Manifest>> built) {
    std::string label = job_label(request);
    const bool speculative = request.speculative;
    if (m_config.runners.empty())
        return reply_local(id, connection, label, speculative, "no runners configured", "");
    auto identity = m_compilers.identity(request.compiler_path);
    if (!identity)
        return reply_local(id, connection, label, speculative, "compiler not identified",
                           identity.error().message);
    Job job;
    job.owner = connection;
    auto manifest = built ? std::move(*built) : build_manifest(m_files, m_dir_links, request);
    if (!manifest)
        return reply_local(id, connection, label, speculative, manifest_reason(manifest.error()),
                           manifest.error().message);
    job.manifest = std::move(*manifest);
    job.toolchain = remote::toolchain_spec(*identity, request.language);
    job.compiler_id = identity->id;
    job.label = label;
    job.submitted_ms = now_ms();
    job.speculative = request.speculative;
    job.cost_key = unit_cost_key(request);
    job.proof = std::move(proof);
    JobSpec spec{identity->id, request.driver, basename(request.compiler_path),
                 m_costs.get(job.cost_key).value_or(0), 0};
    // The manifest lists the unit's own source first (files_to_ship, served_request).
    InputBytes bytes;
    for (size_t i = 0; i < job.manifest.files.size(); ++i)
        bytes.add(job.manifest.files[i].path, job.manifest.files[i].size, i == 0);
    spec.cost_bytes = cost_bytes(bytes);
    job.request = std::move(request);
    m_jobs.emplace(id, std::move(job));
    m_scheduler->submit(id, std::move(spec));
}

void Service::reply_local(JobId id, ConnectionId connection, const std::string& label,
                          bool speculative, const std::string& reason, const std::string& detail) {
    log::info("job {} {}: local ({}{}{})", id, label, reason, detail.empty() ? "" : ": ", detail);
    answered_local(id, connection, label, speculative, reason);
    proto::IpcCompileResult result;
    result.ran_remotely = false;
    send_message(connection, result);
}

void Service::answered_local(JobId id, ConnectionId owner, const std::string& label,
                             bool speculative, const std::string& reason) {
    m_board.answered(id, false, reason);
    if (speculative) {
        // The memo's file list may be out of date (a header the unit now includes is missing
        // on the runner, a file it listed is gone): a local compile only if the wrapper's
        // scan agrees and it confirms; otherwise it sends its scanned request as another job.
        m_unconfirmed[owner] = Answered{id, label, false, reason};
        return;
    }
    m_scheduler->record_local();
    m_board.count_fallback(reason);
}

proto::JobRequest Service::job_request(JobId id, const Job& job,
                                       const std::string& compiler_name) const {
    const proto::IpcCompile& in = job.request;
    proto::JobRequest request;
    request.job_id = id;
    request.compiler_name = compiler_name;
    request.compiler_id = job.compiler_id;
    request.cwd = in.cwd;
    request.args = in.args;
    request.env = in.env;
    request.files = job.manifest.files;
    request.links = job.manifest.links;
    request.directories = job.manifest.directories;
    request.toolchain = job.toolchain;
    request.system_include_dirs = in.system_include_dirs;
    request.outputs = in.outputs;
    request.language = in.language;
    request.color_diagnostics = in.color_diagnostics;
    request.list_opened = job.proof != nullptr;
    return request;
}

void Service::dispatch(JobId id, size_t runner, const std::string& compiler_name) {
    auto it = m_jobs.find(id);
    if (it == m_jobs.end()) return;
    Job& job = it->second;
    job.dispatched_ms = now_ms();
    job.board_runner = runner;
    m_board.dispatched(id, m_config.runners[runner].name, runner);
    m_links[runner]->send_job(job_request(id, job, compiler_name));
}

void Service::dispatch_backup(JobId id, size_t runner, const std::string& compiler_name) {
    auto it = m_jobs.find(id);
    if (it == m_jobs.end()) return;
    log::info("job {} {}: backup compile on {} after {} ms on {}", id, it->second.label,
              m_config.runners[runner].name, now_ms() - it->second.dispatched_ms,
              m_config.runners[it->second.board_runner].name);
    m_links[runner]->send_job(job_request(id, it->second, compiler_name));
}

void Service::cancel_copy(JobId id, size_t runner) {
    m_links[runner]->cancel_job(id);
}

void Service::finish_remote(JobId id, size_t runner, proto::JobResult result) {
    auto it = m_jobs.find(id);
    if (it == m_jobs.end()) return;
    Job job = std::move(it->second);
    m_jobs.erase(it);
    const std::string& name = m_config.runners[runner].name;
    log::info("job {} {}: remote on {}, exit {}{}, {} ms (compile {} ms, waited {} ms){}", id,
              job.label, name, result.exit_code,
              result.term_signal ? fmt::format(" signal {}", result.term_signal) : "",
              now_ms() - job.submitted_ms, result.compile_ms, job.dispatched_ms - job.submitted_ms,
              job.speculative ? ", speculative" : "");
    if (job.speculative) m_unconfirmed[job.owner] = Answered{id, job.label, true, ""};
    if (result.compile_ms > 0) m_costs.put(job.cost_key, result.compile_ms);
    if (runner != job.board_runner) { // its backup won: the board follows the answer
        m_board.dispatched(id, name, runner);
        m_board.result_arrived(id, result.compile_ms);
    }
    proto::IpcCompileResult answer;
    answer.ran_remotely = true;
    answer.runner = name;
    answer.exit_code = result.exit_code;
    answer.term_signal = result.term_signal;
    answer.stdout_data = std::move(result.stdout_data);
    answer.stderr_data = std::move(result.stderr_data);
    answer.outputs = std::move(result.outputs);
    auto bytes = proto::frame(answer);
    if (!bytes) {
        // Outputs too large for a frame: the wrapper compiles here instead.
        log::warning("job {} {}: {}", id, job.label, bytes.error().message);
        m_board.answered(id, false, "answer too large");
        proto::IpcCompileResult local;
        local.warning = bytes.error().message;
        return send_message(job.owner, local);
    }
    m_board.answered(id, true, "");
    m_server->send(job.owner, std::move(*bytes));
}

void Service::finish_local(JobId id, const std::string& warning, const std::string& reason) {
    auto it = m_jobs.find(id);
    if (it == m_jobs.end()) return;
    Job job = std::move(it->second);
    m_jobs.erase(it);
    // An "on" unit with the user's dependency options that every runner refused: unsandboxed
    // runners only take them without (arg_policy.hpp). The wrapper's scan writes the depfile
    // here and sends them a request they take, as without the analysis.
    if (job.proof && job.refused_deps && reason == kRefusedByRunners) {
        m_scheduler->unrecord_local();
        return reply_scan(id, job.owner, job.label, "runners refused the dependency options");
    }
    log::info("job {} {}: local after {} ms ({}){}{}", id, job.label, now_ms() - job.submitted_ms,
              reason, warning.empty() ? "" : ": ", warning);
    m_scheduler->unrecord_local(); // counted by answered_local, which knows a speculative start
    answered_local(id, job.owner, job.label, job.speculative, reason);
    proto::IpcCompileResult answer;
    answer.ran_remotely = false;
    answer.warning = warning;
    answer.lowest_priority = reason == kIdleOffloadReason;
    if (answer.lowest_priority) m_offload_runs.answered(job.owner);
    send_message(job.owner, answer);
}

void Service::requeued(JobId id) {
    m_board.requeued(id);
}

// ---- runner links ----

void Service::link_connecting(size_t runner) {
    log::debug("runner {}: connecting", m_config.runners[runner].name);
    m_scheduler->runner_connecting(runner);
}

void Service::link_up(size_t runner, const proto::RunnerHello& hello) {
    const auto& config = m_config.runners[runner];
    log::info("runner {} ({}): up as '{}', {} slot(s){}, {} compiler(s)", config.name,
              m_links[runner]->address(), hello.runner_name,
              config.slots ? config.slots : hello.slots, config.slots ? " (configured)" : "",
              hello.compilers.size());
    m_last_down_reason[runner].clear();
    m_scheduler->runner_up(runner, hello);
    send_snapshots();
}

void Service::link_down(size_t runner, const std::string& reason) {
    // A dead runner is probed every backoff period; say so once, not every time.
    std::string& last = m_last_down_reason[runner];
    if (reason != last)
        log::info("runner {} ({}): backoff for {} ms: {}", m_config.runners[runner].name,
                  m_links[runner]->address(), m_config.backoff_ms, reason);
    else
        log::debug("runner {}: still down: {}", m_config.runners[runner].name, reason);
    last = reason;
    m_scheduler->runner_down(runner, reason);
    send_snapshots();
}

void Service::link_job_result(size_t runner, proto::JobResult result) {
    auto job = m_jobs.find(result.job_id);
    const bool wanted = job != m_jobs.end() && m_scheduler->runs_copy(result.job_id, runner);
    if (!wanted)
        log::info("job {}: answer from {} discarded (no longer wanted)", result.job_id,
                  m_config.runners[runner].name);
    // A copy whose compile opened a file the include analysis did not list ends here.
    if (wanted && proof_failed(runner, result)) return;
    auto missing = wanted ? missing_input(result) : std::nullopt;
    if (missing)
        log::info("job {}: failed on {} for want of a file ({}); compiling locally", result.job_id,
                  m_config.runners[runner].name, *missing);
    if (auto fault = runner_fault(result)) {
        // Not the user's answer: the compile is retried elsewhere or here, and a genuine
        // compiler crash shows up again there.
        result.status = proto::JobStatus::failed;
        result.message = std::move(*fault);
    }
    if (wanted && result.status == proto::JobStatus::refused && job->second.proof &&
        job->second.proof->user_depfile)
        job->second.refused_deps = true;
    if (result.status != proto::JobStatus::completed)
        log::info("job {}: runner {} answered {}: {}", result.job_id, m_config.runners[runner].name,
                  result.status == proto::JobStatus::refused ? "refused" : "failed",
                  result.message);
    // A copy that fails while its backup runs does not end the job's step on the board.
    if (wanted && runner == job->second.board_runner &&
        (result.status == proto::JobStatus::completed || m_scheduler->copies(result.job_id) == 1))
        m_board.result_arrived(result.job_id, result.compile_ms);
    m_scheduler->job_result(runner, std::move(result));
}

bool Service::proof_failed(size_t runner, const proto::JobResult& result) {
    auto it = m_jobs.find(result.job_id);
    if (it == m_jobs.end() || !it->second.proof || !m_serve) return false;
    // The runner's own failure (a crash, a limit): retried as usual, proved on its next result.
    if (result.status != proto::JobStatus::completed || runner_fault(result)) return false;
    if (!m_scheduler->runs_copy(result.job_id, runner)) return false;
    const Job& job = it->second;
    ProofVerdict verdict = check_proof(*job.proof, job.toolchain.files, result, job.request.cwd);
    m_serve->count_proof(verdict.proved);
    if (verdict.proved) return false;
    const std::string unit = job.request.source.empty()
                                 ? job.label
                                 : lexical_absolute(job.request.cwd, job.request.source);
    constexpr size_t kLogged = 3;
    for (size_t k = 0; k < verdict.unexpected.size() && k < kLogged; ++k)
        log::warning("include analysis missed {} for unit {} (job {} on {}): an analysis bug; "
                     "compiling locally",
                     verdict.unexpected[k], unit, result.job_id, m_config.runners[runner].name);
    if (verdict.unexpected.empty())
        log::warning("include analysis not proved for unit {} (job {} on {}): {}{}{}; compiling "
                     "locally",
                     unit, result.job_id, m_config.runners[runner].name, verdict.why,
                     verdict.detail.empty() ? "" : ": ", verdict.detail);
    m_scheduler->abandon(result.job_id, runner, "",
                         verdict.unexpected.empty() && !missing_input(result)
                             ? "include analysis not proved"
                             : "include analysis missed a file");
    return true;
}

void Service::link_job_unservable(size_t runner, uint64_t job, const Error& why) {
    log::info("job {}: cannot send files to {}: {}", job, m_config.runners[runner].name,
              why.message);
    m_scheduler->abandon(job, runner, "", "a file changed while it was sent");
}

void Service::link_job_files_sent(size_t runner, uint64_t job) {
    m_scheduler->compile_started(job, runner);
    if (auto it = m_jobs.find(job); it != m_jobs.end() && it->second.board_runner == runner)
        m_board.files_sent(job);
}

} // namespace ferry::coordinator
