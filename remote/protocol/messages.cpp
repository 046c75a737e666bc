// Runner protocol messages (coordinator <-> ferryd) and the helpers both protocols share.
// Fields are encoded in declaration order; docs/protocol.md is the reference.
#include "remote/protocol/messages.hpp"

#include "remote/protocol/codec.hpp"
#include "util/hash.hpp"

#include <algorithm>

namespace ferry::proto {

namespace detail {

std::string quote(std::string_view bytes) {
    constexpr size_t kMaxShown = 40;
    std::string out;
    for (char c : bytes.substr(0, kMaxShown)) {
        auto u = static_cast<uint8_t>(c);
        if (u >= 0x20 && u < 0x7f && c != '\'' && c != '\\')
            out.push_back(c);
        else
            out += fmt::format("\\x{:02x}", u);
    }
    if (bytes.size() > kMaxShown) out += "...";
    return "'" + out + "'";
}

Result<void> check_hash(std::string_view hash, std::string_view what) {
    if (!is_hash_hex(hash))
        return make_error(Errc::protocol, "{} {} is not 32 lowercase hex digits", what,
                          quote(hash));
    return ok();
}

Result<std::string> read_hash(Reader& r, std::string_view what) {
    FERRY_TRY(hash, r.str());
    FERRY_TRY_VOID(check_hash(*hash, what));
    return std::move(*hash);
}

void write_outputs(Writer& w, const std::vector<OutputFile>& outputs) {
    w.u32(static_cast<uint32_t>(outputs.size()));
    for (const auto& o : outputs) {
        w.str(o.path);
        w.str(o.data);
    }
}

Result<std::vector<OutputFile>> read_outputs(Reader& r) {
    FERRY_TRY(n, r.count(2 * kMinStr));
    std::vector<OutputFile> outputs(*n);
    for (auto& o : outputs) {
        FERRY_PROTO_READ(o.path, r.str());
        FERRY_PROTO_READ(o.data, r.str());
    }
    return outputs;
}

void write_files(Writer& w, const std::vector<FileEntry>& files) {
    w.u32(static_cast<uint32_t>(files.size()));
    for (const auto& f : files) {
        w.str(f.path);
        w.str(f.hash);
        w.u64(f.size);
        w.u64(static_cast<uint64_t>(f.mtime_ns));
    }
}

Result<std::vector<FileEntry>> read_files(Reader& r) {
    FERRY_TRY(n, r.count(kMinStr + kHashStr + 8 + 8));
    std::vector<FileEntry> files(*n);
    for (auto& f : files) {
        FERRY_PROTO_READ(f.path, r.str());
        FERRY_PROTO_READ(f.hash, read_hash(r, "file hash"));
        FERRY_PROTO_READ(f.size, r.u64());
        uint64_t mtime = 0;
        FERRY_PROTO_READ(mtime, r.u64());
        f.mtime_ns = static_cast<int64_t>(mtime);
    }
    return files;
}

void write_links(Writer& w, const std::vector<SymlinkEntry>& links) {
    w.u32(static_cast<uint32_t>(links.size()));
    for (const auto& l : links) {
        w.str(l.path);
        w.str(l.target);
    }
}

Result<std::vector<SymlinkEntry>> read_links(Reader& r) {
    FERRY_TRY(n, r.count(2 * kMinStr));
    std::vector<SymlinkEntry> links(*n);
    for (auto& l : links) {
        FERRY_PROTO_READ(l.path, r.str());
        FERRY_PROTO_READ(l.target, r.str());
    }
    return links;
}

void write_compilers(Writer& w, const std::vector<CompilerInfo>& compilers) {
    w.u32(static_cast<uint32_t>(compilers.size()));
    for (const auto& c : compilers) {
        w.str(c.name);
        w.str(c.driver);
        w.str(c.target);
        w.str(c.version);
        w.str(c.id);
    }
}

Result<std::vector<CompilerInfo>> read_compilers(Reader& r) {
    FERRY_TRY(n, r.count(5 * kMinStr));
    std::vector<CompilerInfo> compilers(*n);
    for (auto& c : compilers) {
        FERRY_PROTO_READ(c.name, r.str());
        FERRY_PROTO_READ(c.driver, r.str());
        FERRY_PROTO_READ(c.target, r.str());
        FERRY_PROTO_READ(c.version, r.str());
        FERRY_PROTO_READ(c.id, r.str());
    }
    return compilers;
}

} // namespace detail

using detail::decode_message;

namespace {

Result<JobStatus> read_job_status(Reader& r) {
    FERRY_TRY(v, r.u8());
    if (*v > static_cast<uint8_t>(JobStatus::failed))
        return make_error(Errc::protocol, "bad job status {}", *v);
    return static_cast<JobStatus>(*v);
}

Result<ErrorCode> read_error_code(Reader& r) {
    FERRY_TRY(v, r.u32());
    if (*v < static_cast<uint32_t>(ErrorCode::protocol) ||
        *v > static_cast<uint32_t>(ErrorCode::shutting_down))
        return make_error(Errc::protocol, "bad error code {}", *v);
    return static_cast<ErrorCode>(*v);
}

} // namespace

// ---- RunnerHello ----

std::string encode(const RunnerHello& m) {
    Writer w;
    w.u32(m.protocol_version);
    w.str(m.runner_name);
    w.u32(m.slots);
    detail::write_compilers(w, m.compilers);
    w.str(m.challenge);
    w.boolean(m.runs_toolchains);
    return w.take();
}

Result<void> decode(std::string_view payload, RunnerHello& out) {
    return decode_message(payload, out, [](Reader& r, RunnerHello& m) -> Result<void> {
        FERRY_PROTO_READ(m.protocol_version, r.u32());
        FERRY_PROTO_READ(m.runner_name, r.str());
        FERRY_PROTO_READ(m.slots, r.u32());
        FERRY_PROTO_READ(m.compilers, detail::read_compilers(r));
        FERRY_PROTO_READ(m.challenge, r.str());
        FERRY_PROTO_READ(m.runs_toolchains, r.boolean());
        return ok();
    });
}

MsgType type_of(const RunnerHello&) {
    return MsgType::runner_hello;
}

// ---- ClientHello ----

std::string encode(const ClientHello& m) {
    Writer w;
    w.u32(m.protocol_version);
    w.str(m.client_name);
    w.str(m.auth_response);
    return w.take();
}

Result<void> decode(std::string_view payload, ClientHello& out) {
    return decode_message(payload, out, [](Reader& r, ClientHello& m) -> Result<void> {
        FERRY_PROTO_READ(m.protocol_version, r.u32());
        FERRY_PROTO_READ(m.client_name, r.str());
        FERRY_PROTO_READ(m.auth_response, r.str());
        return ok();
    });
}

MsgType type_of(const ClientHello&) {
    return MsgType::client_hello;
}

// ---- AuthProof ----

std::string encode(const AuthProof& m) {
    Writer w;
    w.str(m.proof);
    return w.take();
}

Result<void> decode(std::string_view payload, AuthProof& out) {
    return decode_message(payload, out, [](Reader& r, AuthProof& m) -> Result<void> {
        FERRY_PROTO_READ(m.proof, r.str());
        // An HMAC-SHA256 in lowercase hex, nothing else: the one canonical spelling.
        constexpr size_t kProofDigits = 64;
        bool hex = m.proof.size() == kProofDigits &&
                   std::all_of(m.proof.begin(), m.proof.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                   });
        if (!hex)
            return make_error(Errc::protocol, "proof {} is not {} lowercase hex digits",
                              detail::quote(m.proof), kProofDigits);
        return ok();
    });
}

MsgType type_of(const AuthProof&) {
    return MsgType::auth_proof;
}

// ---- JobRequest ----

std::string encode(const JobRequest& m) {
    Writer w;
    w.u64(m.job_id);
    w.str(m.compiler_name);
    w.str(m.compiler_id);
    w.str(m.cwd);
    w.strs(m.args);
    w.pairs(m.env);
    detail::write_files(w, m.files);
    w.strs(m.system_include_dirs);
    w.strs(m.outputs);
    w.str(m.language);
    w.boolean(m.color_diagnostics);
    detail::write_links(w, m.links);
    w.strs(m.directories);
    w.str(m.toolchain.program);
    w.str(m.toolchain.path_env);
    detail::write_files(w, m.toolchain.files);
    detail::write_links(w, m.toolchain.links);
    w.boolean(m.list_opened);
    return w.take();
}

Result<void> decode(std::string_view payload, JobRequest& out) {
    return decode_message(payload, out, [](Reader& r, JobRequest& m) -> Result<void> {
        FERRY_PROTO_READ(m.job_id, r.u64());
        FERRY_PROTO_READ(m.compiler_name, r.str());
        FERRY_PROTO_READ(m.compiler_id, r.str());
        FERRY_PROTO_READ(m.cwd, r.str());
        FERRY_PROTO_READ(m.args, r.strs());
        FERRY_PROTO_READ(m.env, r.pairs());
        FERRY_PROTO_READ(m.files, detail::read_files(r));
        FERRY_PROTO_READ(m.system_include_dirs, r.strs());
        FERRY_PROTO_READ(m.outputs, r.strs());
        FERRY_PROTO_READ(m.language, r.str());
        FERRY_PROTO_READ(m.color_diagnostics, r.boolean());
        FERRY_PROTO_READ(m.links, detail::read_links(r));
        FERRY_PROTO_READ(m.directories, r.strs());
        FERRY_PROTO_READ(m.toolchain.program, r.str());
        FERRY_PROTO_READ(m.toolchain.path_env, r.str());
        FERRY_PROTO_READ(m.toolchain.files, detail::read_files(r));
        FERRY_PROTO_READ(m.toolchain.links, detail::read_links(r));
        FERRY_PROTO_READ(m.list_opened, r.boolean());
        return ok();
    });
}

Result<uint64_t> peek_job_id(std::string_view job_request_payload) {
    Reader r(job_request_payload);
    auto id = r.u64();
    if (!id) return make_error(Errc::protocol, "job_request: {}", id.error().message);
    return *id;
}

MsgType type_of(const JobRequest&) {
    return MsgType::job_request;
}

// ---- NeedFiles ----

std::string encode(const NeedFiles& m) {
    Writer w;
    w.u64(m.job_id);
    w.strs(m.hashes);
    return w.take();
}

Result<void> decode(std::string_view payload, NeedFiles& out) {
    return decode_message(payload, out, [](Reader& r, NeedFiles& m) -> Result<void> {
        FERRY_PROTO_READ(m.job_id, r.u64());
        FERRY_TRY(n, r.count(detail::kHashStr));
        m.hashes.resize(*n);
        for (auto& h : m.hashes)
            FERRY_PROTO_READ(h, detail::read_hash(r, "needed hash"));
        return ok();
    });
}

MsgType type_of(const NeedFiles&) {
    return MsgType::need_files;
}

// ---- FileData ----

std::string encode(const FileData& m) {
    Writer w;
    w.u64(m.job_id);
    w.u32(static_cast<uint32_t>(m.blobs.size()));
    for (const auto& b : m.blobs) {
        w.str(b.hash);
        w.str(b.data);
    }
    return w.take();
}

Result<void> decode(std::string_view payload, FileData& out) {
    return decode_message(payload, out, [](Reader& r, FileData& m) -> Result<void> {
        FERRY_PROTO_READ(m.job_id, r.u64());
        FERRY_TRY(n, r.count(detail::kHashStr + detail::kMinStr));
        m.blobs.resize(*n);
        for (auto& b : m.blobs) {
            FERRY_PROTO_READ(b.hash, detail::read_hash(r, "blob hash"));
            FERRY_PROTO_READ(b.data, r.str());
        }
        return ok();
    });
}

MsgType type_of(const FileData&) {
    return MsgType::file_data;
}

// ---- JobResult ----

std::string encode(const JobResult& m) {
    Writer w;
    w.u64(m.job_id);
    w.u8(static_cast<uint8_t>(m.status));
    w.str(m.message);
    w.i32(m.exit_code);
    w.i32(m.term_signal);
    w.str(m.stdout_data);
    w.str(m.stderr_data);
    detail::write_outputs(w, m.outputs);
    w.u64(m.compile_ms);
    w.boolean(m.opened_listed);
    w.strs(m.opened);
    return w.take();
}

Result<void> decode(std::string_view payload, JobResult& out) {
    return decode_message(payload, out, [](Reader& r, JobResult& m) -> Result<void> {
        FERRY_PROTO_READ(m.job_id, r.u64());
        FERRY_PROTO_READ(m.status, read_job_status(r));
        FERRY_PROTO_READ(m.message, r.str());
        FERRY_PROTO_READ(m.exit_code, r.i32());
        FERRY_PROTO_READ(m.term_signal, r.i32());
        FERRY_PROTO_READ(m.stdout_data, r.str());
        FERRY_PROTO_READ(m.stderr_data, r.str());
        FERRY_PROTO_READ(m.outputs, detail::read_outputs(r));
        FERRY_PROTO_READ(m.compile_ms, r.u64());
        FERRY_PROTO_READ(m.opened_listed, r.boolean());
        FERRY_PROTO_READ(m.opened, r.strs());
        return ok();
    });
}

MsgType type_of(const JobResult&) {
    return MsgType::job_result;
}

// ---- ErrorMsg ----

std::string encode(const ErrorMsg& m) {
    Writer w;
    w.u32(static_cast<uint32_t>(m.code));
    w.str(m.message);
    return w.take();
}

Result<void> decode(std::string_view payload, ErrorMsg& out) {
    return decode_message(payload, out, [](Reader& r, ErrorMsg& m) -> Result<void> {
        FERRY_PROTO_READ(m.code, read_error_code(r));
        FERRY_PROTO_READ(m.message, r.str());
        return ok();
    });
}

MsgType type_of(const ErrorMsg&) {
    return MsgType::error;
}

// ---- Stats ----

std::string encode(const Stats& m) {
    Writer w;
    w.u64(m.jobs_received);
    w.u64(m.jobs_completed);
    w.u64(m.jobs_failed);
    w.u64(m.jobs_refused);
    w.u32(m.jobs_active);
    w.u32(m.jobs_queued);
    w.u64(m.files_received);
    w.u64(m.cache_hits);
    w.u32(m.slots);
    w.u64(m.files_linked);
    w.u64(m.files_copied);
    return w.take();
}

Result<void> decode(std::string_view payload, Stats& out) {
    return decode_message(payload, out, [](Reader& r, Stats& m) -> Result<void> {
        FERRY_PROTO_READ(m.jobs_received, r.u64());
        FERRY_PROTO_READ(m.jobs_completed, r.u64());
        FERRY_PROTO_READ(m.jobs_failed, r.u64());
        FERRY_PROTO_READ(m.jobs_refused, r.u64());
        FERRY_PROTO_READ(m.jobs_active, r.u32());
        FERRY_PROTO_READ(m.jobs_queued, r.u32());
        FERRY_PROTO_READ(m.files_received, r.u64());
        FERRY_PROTO_READ(m.cache_hits, r.u64());
        FERRY_PROTO_READ(m.slots, r.u32());
        FERRY_PROTO_READ(m.files_linked, r.u64());
        FERRY_PROTO_READ(m.files_copied, r.u64());
        return ok();
    });
}

MsgType type_of(const Stats&) {
    return MsgType::stats;
}

// ---- messages without a payload ----

bool has_empty_payload(MsgType type) {
    switch (type) {
    case MsgType::ipc_granted:
    case MsgType::ipc_release_local:
    case MsgType::ipc_status_request:
    case MsgType::ipc_shutdown:
    case MsgType::ipc_speculation_used:
    case MsgType::ipc_jobs_request:
    case MsgType::stats_request:
    case MsgType::ping:
    case MsgType::pong:
        return true;
    default:
        return false;
    }
}

Result<void> expect_empty(const Frame& f, MsgType type) {
    if (f.type != type)
        return make_error(Errc::protocol, "expected a {} frame, got {}", msg_type_name(type),
                          msg_type_name(f.type));
    if (!f.payload.empty())
        return make_error(Errc::protocol, "{}: {} bytes of payload, expected none",
                          msg_type_name(type), f.payload.size());
    return ok();
}

} // namespace ferry::proto
