// Coordinator IPC messages (wrapper <-> coordinator over the unix socket). Fields are encoded
// in declaration order; docs/protocol.md is the reference.
#include "remote/protocol/codec.hpp"
#include "remote/protocol/messages.hpp"

namespace ferry::proto {

using detail::decode_message;

// ---- IpcAcquireLocal ----

std::string encode(const IpcAcquireLocal& m) {
    Writer w;
    w.u32(m.pid);
    w.str(m.what);
    w.str(m.source);
    w.str(m.build);
    w.str(m.reason);
    w.boolean(m.counted);
    return w.take();
}

Result<void> decode(std::string_view payload, IpcAcquireLocal& out) {
    return decode_message(payload, out, [](Reader& r, IpcAcquireLocal& m) -> Result<void> {
        FERRY_PROTO_READ(m.pid, r.u32());
        FERRY_PROTO_READ(m.what, r.str());
        FERRY_PROTO_READ(m.source, r.str());
        FERRY_PROTO_READ(m.build, r.str());
        FERRY_PROTO_READ(m.reason, r.str());
        FERRY_PROTO_READ(m.counted, r.boolean());
        return ok();
    });
}

MsgType type_of(const IpcAcquireLocal&) {
    return MsgType::ipc_acquire_local;
}

// ---- IpcCompile ----

std::string encode(const IpcCompile& m) {
    Writer w;
    w.str(m.compiler_path);
    w.str(m.driver);
    w.str(m.cwd);
    w.strs(m.args);
    w.pairs(m.env);
    w.strs(m.files);
    w.strs(m.system_include_dirs);
    w.strs(m.outputs);
    w.str(m.language);
    w.boolean(m.color_diagnostics);
    w.str(m.memo_key);
    w.boolean(m.speculative);
    w.u32(m.pid);
    w.str(m.source);
    w.str(m.build);
    w.boolean(m.analyse);
    w.str(m.scan_reason);
    return w.take();
}

Result<void> decode(std::string_view payload, IpcCompile& out) {
    return decode_message(payload, out, [](Reader& r, IpcCompile& m) -> Result<void> {
        FERRY_PROTO_READ(m.compiler_path, r.str());
        FERRY_PROTO_READ(m.driver, r.str());
        FERRY_PROTO_READ(m.cwd, r.str());
        FERRY_PROTO_READ(m.args, r.strs());
        FERRY_PROTO_READ(m.env, r.pairs());
        FERRY_PROTO_READ(m.files, r.strs());
        FERRY_PROTO_READ(m.system_include_dirs, r.strs());
        FERRY_PROTO_READ(m.outputs, r.strs());
        FERRY_PROTO_READ(m.language, r.str());
        FERRY_PROTO_READ(m.color_diagnostics, r.boolean());
        FERRY_PROTO_READ(m.memo_key, r.str());
        FERRY_PROTO_READ(m.speculative, r.boolean());
        FERRY_PROTO_READ(m.pid, r.u32());
        FERRY_PROTO_READ(m.source, r.str());
        FERRY_PROTO_READ(m.build, r.str());
        FERRY_PROTO_READ(m.analyse, r.boolean());
        FERRY_PROTO_READ(m.scan_reason, r.str());
        return ok();
    });
}

MsgType type_of(const IpcCompile&) {
    return MsgType::ipc_compile;
}

// ---- IpcCompileResult ----

std::string encode(const IpcCompileResult& m) {
    Writer w;
    w.boolean(m.ran_remotely);
    w.str(m.runner);
    w.str(m.warning);
    w.i32(m.exit_code);
    w.i32(m.term_signal);
    w.str(m.stdout_data);
    w.str(m.stderr_data);
    detail::write_outputs(w, m.outputs);
    w.str(m.scan_needed);
    return w.take();
}

Result<void> decode(std::string_view payload, IpcCompileResult& out) {
    return decode_message(payload, out, [](Reader& r, IpcCompileResult& m) -> Result<void> {
        FERRY_PROTO_READ(m.ran_remotely, r.boolean());
        FERRY_PROTO_READ(m.runner, r.str());
        FERRY_PROTO_READ(m.warning, r.str());
        FERRY_PROTO_READ(m.exit_code, r.i32());
        FERRY_PROTO_READ(m.term_signal, r.i32());
        FERRY_PROTO_READ(m.stdout_data, r.str());
        FERRY_PROTO_READ(m.stderr_data, r.str());
        FERRY_PROTO_READ(m.outputs, detail::read_outputs(r));
        FERRY_PROTO_READ(m.scan_needed, r.str());
        return ok();
    });
}

MsgType type_of(const IpcCompileResult&) {
    return MsgType::ipc_compile_result;
}

// ---- IpcStatus ----

namespace {

void write_status(Writer& w, const IpcStatus& m) {
    w.u32(static_cast<uint32_t>(m.runners.size()));
    for (const auto& s : m.runners) {
        w.str(s.name);
        w.str(s.address);
        w.str(s.state);
        w.u32(s.slots);
        w.u32(s.in_flight);
        w.u64(s.jobs_done);
        w.u64(s.failures);
        w.str(s.last_error);
        detail::write_compilers(w, s.compilers);
        w.boolean(s.runs_toolchains);
        w.u64(s.backoff_ms);
    }
    w.u32(m.remote_capacity);
    w.u32(m.local_slots);
    w.u32(m.local_in_use);
    w.u32(m.queued);
    w.u64(m.jobs_remote);
    w.u64(m.jobs_local);
    w.u32(m.pid);
    w.u64(m.jobs_kept_local);
    w.u64(m.links_local);
    w.u32(static_cast<uint32_t>(m.local_reasons.size()));
    for (const auto& reason : m.local_reasons) {
        w.str(reason.reason);
        w.u64(reason.count);
    }
    w.u32(m.watchers);
    w.u64(m.shadow_units);
    w.u64(m.shadow_superset);
    w.u64(m.shadow_missed);
    w.u64(m.shadow_refused);
    w.u64(m.shadow_extra_files);
    w.u64(m.shadow_analysis_us);
    w.u64(m.shadow_median_us);
    w.u64(m.shadow_probe_us);
    w.boolean(m.shadow_pending);
    w.u64(m.speculative_used);
    w.u64(m.speculative_unused);
    w.u64(m.backups_started);
    w.u64(m.backups_won);
    w.u64(m.backups_discarded);
    w.str(m.include_analysis_mode);
    w.u64(m.analysis_served);
    w.u32(static_cast<uint32_t>(m.analysis_scanned.size()));
    for (const auto& reason : m.analysis_scanned) {
        w.str(reason.reason);
        w.u64(reason.count);
    }
    w.u64(m.scan_passes);
}

Result<void> read_status(Reader& r, IpcStatus& m) {
    FERRY_TRY(n, r.count(5 * detail::kMinStr + 3 * 4 + 3 * 8 + 1));
    m.runners.resize(*n);
    for (auto& s : m.runners) {
        FERRY_PROTO_READ(s.name, r.str());
        FERRY_PROTO_READ(s.address, r.str());
        FERRY_PROTO_READ(s.state, r.str());
        FERRY_PROTO_READ(s.slots, r.u32());
        FERRY_PROTO_READ(s.in_flight, r.u32());
        FERRY_PROTO_READ(s.jobs_done, r.u64());
        FERRY_PROTO_READ(s.failures, r.u64());
        FERRY_PROTO_READ(s.last_error, r.str());
        FERRY_PROTO_READ(s.compilers, detail::read_compilers(r));
        FERRY_PROTO_READ(s.runs_toolchains, r.boolean());
        FERRY_PROTO_READ(s.backoff_ms, r.u64());
    }
    FERRY_PROTO_READ(m.remote_capacity, r.u32());
    FERRY_PROTO_READ(m.local_slots, r.u32());
    FERRY_PROTO_READ(m.local_in_use, r.u32());
    FERRY_PROTO_READ(m.queued, r.u32());
    FERRY_PROTO_READ(m.jobs_remote, r.u64());
    FERRY_PROTO_READ(m.jobs_local, r.u64());
    FERRY_PROTO_READ(m.pid, r.u32());
    FERRY_PROTO_READ(m.jobs_kept_local, r.u64());
    FERRY_PROTO_READ(m.links_local, r.u64());
    FERRY_TRY(reasons, r.count(detail::kMinStr + 8));
    m.local_reasons.resize(*reasons);
    for (auto& reason : m.local_reasons) {
        FERRY_PROTO_READ(reason.reason, r.str());
        FERRY_PROTO_READ(reason.count, r.u64());
    }
    FERRY_PROTO_READ(m.watchers, r.u32());
    FERRY_PROTO_READ(m.shadow_units, r.u64());
    FERRY_PROTO_READ(m.shadow_superset, r.u64());
    FERRY_PROTO_READ(m.shadow_missed, r.u64());
    FERRY_PROTO_READ(m.shadow_refused, r.u64());
    FERRY_PROTO_READ(m.shadow_extra_files, r.u64());
    FERRY_PROTO_READ(m.shadow_analysis_us, r.u64());
    FERRY_PROTO_READ(m.shadow_median_us, r.u64());
    FERRY_PROTO_READ(m.shadow_probe_us, r.u64());
    FERRY_PROTO_READ(m.shadow_pending, r.boolean());
    FERRY_PROTO_READ(m.speculative_used, r.u64());
    FERRY_PROTO_READ(m.speculative_unused, r.u64());
    FERRY_PROTO_READ(m.backups_started, r.u64());
    FERRY_PROTO_READ(m.backups_won, r.u64());
    FERRY_PROTO_READ(m.backups_discarded, r.u64());
    FERRY_PROTO_READ(m.include_analysis_mode, r.str());
    FERRY_PROTO_READ(m.analysis_served, r.u64());
    FERRY_TRY(scanned, r.count(detail::kMinStr + 8));
    m.analysis_scanned.resize(*scanned);
    for (auto& reason : m.analysis_scanned) {
        FERRY_PROTO_READ(reason.reason, r.str());
        FERRY_PROTO_READ(reason.count, r.u64());
    }
    FERRY_PROTO_READ(m.scan_passes, r.u64());
    return ok();
}

void write_job(Writer& w, const JobView& m) {
    w.u64(m.id);
    w.u32(m.pid);
    w.str(m.build);
    w.str(m.source);
    w.str(m.phase);
    w.str(m.runner);
    w.i32(m.slot);
    w.u64(m.phase_start_us);
    w.str(m.outcome);
    w.str(m.reason);
    w.u64(m.compile_ms);
    w.u32(static_cast<uint32_t>(m.phases.size()));
    for (const auto& p : m.phases) {
        w.str(p.phase);
        w.str(p.lane);
        w.i32(p.slot);
        w.u64(p.start_us);
        w.u64(p.end_us);
    }
}

Result<void> read_job(Reader& r, JobView& m) {
    FERRY_PROTO_READ(m.id, r.u64());
    FERRY_PROTO_READ(m.pid, r.u32());
    FERRY_PROTO_READ(m.build, r.str());
    FERRY_PROTO_READ(m.source, r.str());
    FERRY_PROTO_READ(m.phase, r.str());
    FERRY_PROTO_READ(m.runner, r.str());
    FERRY_PROTO_READ(m.slot, r.i32());
    FERRY_PROTO_READ(m.phase_start_us, r.u64());
    FERRY_PROTO_READ(m.outcome, r.str());
    FERRY_PROTO_READ(m.reason, r.str());
    FERRY_PROTO_READ(m.compile_ms, r.u64());
    FERRY_TRY(n, r.count(2 * detail::kMinStr + 4 + 2 * 8));
    m.phases.resize(*n);
    for (auto& p : m.phases) {
        FERRY_PROTO_READ(p.phase, r.str());
        FERRY_PROTO_READ(p.lane, r.str());
        FERRY_PROTO_READ(p.slot, r.i32());
        FERRY_PROTO_READ(p.start_us, r.u64());
        FERRY_PROTO_READ(p.end_us, r.u64());
    }
    return ok();
}

} // namespace

std::string encode(const IpcStatus& m) {
    Writer w;
    write_status(w, m);
    return w.take();
}

Result<void> decode(std::string_view payload, IpcStatus& out) {
    return decode_message(payload, out, read_status);
}

MsgType type_of(const IpcStatus&) {
    return MsgType::ipc_status;
}

// ---- IpcJobs ----

std::string encode(const IpcJobs& m) {
    Writer w;
    write_status(w, m.status);
    w.u32(static_cast<uint32_t>(m.jobs.size()));
    for (const auto& job : m.jobs)
        write_job(w, job);
    w.u64(m.now_us);
    return w.take();
}

Result<void> decode(std::string_view payload, IpcJobs& out) {
    return decode_message(payload, out, [](Reader& r, IpcJobs& m) -> Result<void> {
        FERRY_TRY_VOID(read_status(r, m.status));
        FERRY_TRY(n, r.count(8 + 4 + 6 * detail::kMinStr + 4 + 8 + 8 + 4));
        m.jobs.resize(*n);
        for (auto& job : m.jobs)
            FERRY_TRY_VOID(read_job(r, job));
        FERRY_PROTO_READ(m.now_us, r.u64());
        return ok();
    });
}

MsgType type_of(const IpcJobs&) {
    return MsgType::ipc_jobs;
}

// ---- IpcWatch ----

std::string encode(const IpcWatch& m) {
    Writer w;
    w.str(m.build);
    w.boolean(m.finished_only);
    return w.take();
}

Result<void> decode(std::string_view payload, IpcWatch& out) {
    return decode_message(payload, out, [](Reader& r, IpcWatch& m) -> Result<void> {
        FERRY_PROTO_READ(m.build, r.str());
        FERRY_PROTO_READ(m.finished_only, r.boolean());
        return ok();
    });
}

MsgType type_of(const IpcWatch&) {
    return MsgType::ipc_watch;
}

// ---- IpcJobEvent ----

std::string encode(const IpcJobEvent& m) {
    Writer w;
    write_job(w, m.job);
    w.boolean(m.finished);
    w.u64(m.now_us);
    return w.take();
}

Result<void> decode(std::string_view payload, IpcJobEvent& out) {
    return decode_message(payload, out, [](Reader& r, IpcJobEvent& m) -> Result<void> {
        FERRY_TRY_VOID(read_job(r, m.job));
        FERRY_PROTO_READ(m.finished, r.boolean());
        FERRY_PROTO_READ(m.now_us, r.u64());
        return ok();
    });
}

MsgType type_of(const IpcJobEvent&) {
    return MsgType::ipc_job_event;
}

// ---- IpcMemoRequest ----

std::string encode(const IpcMemoRequest& m) {
    Writer w;
    w.str(m.key);
    return w.take();
}

Result<void> decode(std::string_view payload, IpcMemoRequest& out) {
    return decode_message(payload, out, [](Reader& r, IpcMemoRequest& m) -> Result<void> {
        FERRY_PROTO_READ(m.key, r.str());
        return ok();
    });
}

MsgType type_of(const IpcMemoRequest&) {
    return MsgType::ipc_memo_request;
}

// ---- IpcMemo ----

std::string encode(const IpcMemo& m) {
    Writer w;
    w.boolean(m.found);
    w.str(encode(m.request)); // nested: its own length-checked payload
    return w.take();
}

Result<void> decode(std::string_view payload, IpcMemo& out) {
    return decode_message(payload, out, [](Reader& r, IpcMemo& m) -> Result<void> {
        FERRY_PROTO_READ(m.found, r.boolean());
        FERRY_TRY(request, r.str());
        FERRY_TRY_VOID(decode(*request, m.request));
        return ok();
    });
}

MsgType type_of(const IpcMemo&) {
    return MsgType::ipc_memo;
}

} // namespace ferry::proto
