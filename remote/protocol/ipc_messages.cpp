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
    return w.take();
}

Result<void> decode(std::string_view payload, IpcAcquireLocal& out) {
    return decode_message(payload, out, [](Reader& r, IpcAcquireLocal& m) -> Result<void> {
        FERRY_PROTO_READ(m.pid, r.u32());
        FERRY_PROTO_READ(m.what, r.str());
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
        return ok();
    });
}

MsgType type_of(const IpcCompileResult&) {
    return MsgType::ipc_compile_result;
}

// ---- IpcStatus ----

std::string encode(const IpcStatus& m) {
    Writer w;
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
    }
    w.u32(m.remote_capacity);
    w.u32(m.local_slots);
    w.u32(m.local_in_use);
    w.u32(m.queued);
    w.u64(m.jobs_remote);
    w.u64(m.jobs_local);
    w.u32(m.pid);
    return w.take();
}

Result<void> decode(std::string_view payload, IpcStatus& out) {
    return decode_message(payload, out, [](Reader& r, IpcStatus& m) -> Result<void> {
        FERRY_TRY(n, r.count(4 * detail::kMinStr + 2 * 4 + 2 * 8));
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
        }
        FERRY_PROTO_READ(m.remote_capacity, r.u32());
        FERRY_PROTO_READ(m.local_slots, r.u32());
        FERRY_PROTO_READ(m.local_in_use, r.u32());
        FERRY_PROTO_READ(m.queued, r.u32());
        FERRY_PROTO_READ(m.jobs_remote, r.u64());
        FERRY_PROTO_READ(m.jobs_local, r.u64());
        FERRY_PROTO_READ(m.pid, r.u32());
        return ok();
    });
}

MsgType type_of(const IpcStatus&) {
    return MsgType::ipc_status;
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
