// The runner protocol's messages (coordinator <-> ferryd over TCP), as plain structs with
// encode/decode: ferryd greets with RunnerHello (version, slots, compilers with identities),
// the client answers ClientHello, then any number of jobs run concurrently on the
// connection, tagged by job_id:
//     JobRequest -> [NeedFiles -> FileData] -> JobResult
// The coordinator's IPC (wrapper <-> coordinator) is in ipc/messages.hpp.
// Each struct lists its fields once, in wire order (`fields`, remote/protocol/fields.hpp);
// encode() and decode() both follow that list. decode() of every message rejects truncated
// payloads, trailing bytes and bad enums, with an error naming the message and the field.
#pragma once

#include "remote/protocol/fields.hpp"
#include "remote/protocol/frame.hpp"
#include "remote/protocol/values.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::proto {

struct RunnerHello {
    uint32_t protocol_version = kProtocolVersion;
    std::string runner_name;
    uint32_t slots = 0;
    std::vector<CompilerInfo> compilers;
    std::string challenge; // nonce for authentication; empty when the runner has no key
    // Sandboxed and willing to run the compiler a job brings (JobRequest::toolchain): any
    // compiler can go there, not only those in `compilers`.
    bool runs_toolchains = false;

    static constexpr MsgType kType = MsgType::runner_hello;

    template <class M, class V> static void fields(M& m, V& v) {
        v("protocol_version", m.protocol_version);
        v("runner_name", m.runner_name);
        v("slots", m.slots);
        v("compilers", m.compilers);
        v("challenge", m.challenge);
        v("runs_toolchains", m.runs_toolchains);
    }

    bool operator==(const RunnerHello&) const = default;
};

struct ClientHello {
    uint32_t protocol_version = kProtocolVersion;
    std::string client_name;
    std::string auth_response; // client nonce + HMAC, hex (remote/protocol/auth.hpp); or empty

    static constexpr MsgType kType = MsgType::client_hello;

    template <class M, class V> static void fields(M& m, V& v) {
        v("protocol_version", m.protocol_version);
        v("client_name", m.client_name);
        v("auth_response", m.auth_response);
    }

    bool operator==(const ClientHello&) const = default;
};

// ferryd's answer to a ClientHello that passed authentication: an HMAC proving the runner
// holds the key too. Sent only to a client that answered the challenge, so a peer that does
// not authenticate never sees this message.
struct AuthProof {
    std::string proof; // 64 lowercase hex digits

    static constexpr MsgType kType = MsgType::auth_proof;

    template <class M, class V> static void fields(M& m, V& v) {
        v("proof", hex(m.proof, 64, "proof"));
    }

    bool operator==(const AuthProof&) const = default;
};

// The client no longer wants a job's answer (the loser of a backup race, a job whose wrapper
// went away): the runner stops it wherever it is and answers it `failed` ("cancelled by the
// client"), so the client's slot count and the runner's agree again. A job the runner does
// not hold (already answered, never sent) is ignored: the cancel crossed its answer.
struct JobCancel {
    uint64_t job_id = 0;

    static constexpr MsgType kType = MsgType::job_cancel;

    template <class M, class V> static void fields(M& m, V& v) { v("job_id", m.job_id); }

    bool operator==(const JobCancel&) const = default;
};

// One file the compile reads, at the absolute path the client's compiler saw it (lexical,
// may contain ".." as the compiler spelled it). The runner materialises it at
// <job root> + normalize(path).
struct FileEntry {
    std::string path;
    std::string hash; // 32 hex digits (XXH3-128 of the content)
    uint64_t size = 0;
    // The client's modification time (ns since the epoch): `__TIMESTAMP__` prints it and gcc's
    // `#pragma once` compares it, so the runner gives the file this mtime (docs/sandbox.md).
    int64_t mtime_ns = 0;

    template <class M, class V> static void fields(M& m, V& v) {
        v("path", m.path);
        v("hash", hex(m.hash, 32, "file hash"));
        v("size", m.size);
        v("mtime_ns", m.mtime_ns);
    }

    bool operator==(const FileEntry&) const = default;
};

// A symbolic link of the client's, at its physical path, with its target verbatim. A
// sandboxed runner recreates it, so paths resolve in the job as they do on the client.
struct SymlinkEntry {
    std::string path;
    std::string target;

    template <class M, class V> static void fields(M& m, V& v) {
        v("path", m.path);
        v("target", m.target);
    }

    bool operator==(const SymlinkEntry&) const = default;
};

// The compiler itself, as files (compiler/toolchain.hpp). A sandboxed runner runs `program`
// from these files at these paths; `compiler_id` names exactly this list.
struct ToolchainSpec {
    std::string program;  // absolute path the job executes
    std::string path_env; // PATH in the job (the driver finds `as` there)
    std::vector<FileEntry> files;
    std::vector<SymlinkEntry> links;

    template <class M, class V> static void fields(M& m, V& v) {
        v("program", m.program);
        v("path_env", m.path_env);
        v("files", m.files);
        v("links", m.links);
    }

    bool operator==(const ToolchainSpec&) const = default;
};

struct JobRequest {
    uint64_t job_id = 0;
    std::string compiler_name; // from the runner's RunnerHello
    std::string compiler_id;
    std::string cwd;               // client's absolute working directory
    std::vector<std::string> args; // compiler arguments (not argv[0]), as the client ran them
    EnvList env;                   // only variables that affect the compile
    std::vector<FileEntry> files;  // everything the compile reads, system headers too
    std::vector<std::string> system_include_dirs; // the compiler's built-in <...> dirs, in order
    std::vector<std::string> outputs;     // to send back, as in args (cwd-relative or absolute)
    std::string language;                 // "c" or "c++" (decides -nostdinc++)
    bool color_diagnostics = false;       // client's stderr is a terminal
    std::vector<SymlinkEntry> links;      // links on the way to `files`, `cwd` and `directories`
    std::vector<std::string> directories; // exist on the client and the compile may search them
    ToolchainSpec toolchain;
    // The coordinator must prove an include analysis' answer (docs/include-analysis.md): the
    // runner asks the compile for a make rule of the files it opened (-MD -MF into its own
    // private directory; neither changes the object or stderr) and returns them in
    // JobResult::opened.
    bool list_opened = false;

    static constexpr MsgType kType = MsgType::job_request;

    template <class M, class V> static void fields(M& m, V& v) {
        v("job_id", m.job_id);
        v("compiler_name", m.compiler_name);
        v("compiler_id", m.compiler_id);
        v("cwd", m.cwd);
        v("args", m.args);
        v("env", m.env);
        v("files", m.files);
        v("system_include_dirs", m.system_include_dirs);
        v("outputs", m.outputs);
        v("language", m.language);
        v("color_diagnostics", m.color_diagnostics);
        v("links", m.links);
        v("directories", m.directories);
        v("toolchain", m.toolchain);
        v("list_opened", m.list_opened);
    }

    bool operator==(const JobRequest&) const = default;
};

struct NeedFiles {
    uint64_t job_id = 0;
    std::vector<std::string> hashes;

    static constexpr MsgType kType = MsgType::need_files;

    template <class M, class V> static void fields(M& m, V& v) {
        v("job_id", m.job_id);
        v("hashes", hex(m.hashes, 32, "needed hash"));
    }

    bool operator==(const NeedFiles&) const = default;
};

struct FileBlob {
    std::string hash;
    std::string data;

    template <class M, class V> static void fields(M& m, V& v) {
        v("hash", hex(m.hash, 32, "blob hash"));
        v("data", m.data);
    }

    bool operator==(const FileBlob&) const = default;
};

struct FileData {
    uint64_t job_id = 0;
    std::vector<FileBlob> blobs;

    static constexpr MsgType kType = MsgType::file_data;

    template <class M, class V> static void fields(M& m, V& v) {
        v("job_id", m.job_id);
        v("blobs", m.blobs);
    }

    bool operator==(const FileData&) const = default;
};

enum class JobStatus : uint8_t {
    completed = 0, // the compiler ran; exit_code/stderr are its own
    refused = 1,   // policy said no (argument, compiler, limits); do not retry elsewhere
    failed = 2,    // the runner could not run it (disk, spawn, timeout); retry elsewhere
};
constexpr WireRange<JobStatus> wire_range(JobStatus) {
    return {JobStatus::completed, JobStatus::failed, "job status"};
}

struct JobResult {
    uint64_t job_id = 0;
    JobStatus status = JobStatus::failed;
    std::string message; // why, for refused/failed
    int32_t exit_code = -1;
    int32_t term_signal = 0;
    std::string stdout_data;
    std::string stderr_data;
    std::vector<OutputFile> outputs;
    uint64_t compile_ms = 0;
    // JobRequest::list_opened: the files the compile opened, as its make rule spells them
    // (relative to the client's cwd or absolute, the client's paths). `opened_listed` is
    // false when the compile wrote no rule the runner could read: nothing is proved then.
    bool opened_listed = false;
    std::vector<std::string> opened;

    static constexpr MsgType kType = MsgType::job_result;

    template <class M, class V> static void fields(M& m, V& v) {
        v("job_id", m.job_id);
        v("status", m.status);
        v("message", m.message);
        v("exit_code", m.exit_code);
        v("term_signal", m.term_signal);
        v("stdout_data", m.stdout_data);
        v("stderr_data", m.stderr_data);
        v("outputs", m.outputs);
        v("compile_ms", m.compile_ms);
        v("opened_listed", m.opened_listed);
        v("opened", m.opened);
    }

    bool operator==(const JobResult&) const = default;
};

enum class ErrorCode : uint32_t {
    protocol = 1,    // malformed or unexpected frame
    version = 2,     // unsupported protocol version
    not_allowed = 3, // peer address not in --allow
    auth = 4,        // authentication failed
    overloaded = 5,  // too many connections / queued jobs
    shutting_down = 6,
};
constexpr WireRange<ErrorCode> wire_range(ErrorCode) {
    return {ErrorCode::protocol, ErrorCode::shutting_down, "error code"};
}

struct ErrorMsg {
    ErrorCode code = ErrorCode::protocol;
    std::string message;

    static constexpr MsgType kType = MsgType::error;

    template <class M, class V> static void fields(M& m, V& v) {
        v("code", m.code);
        v("message", m.message);
    }

    bool operator==(const ErrorMsg&) const = default;
};

struct Stats {
    uint64_t jobs_received = 0;
    uint64_t jobs_completed = 0; // compiler ran (any exit code)
    uint64_t jobs_failed = 0;
    uint64_t jobs_refused = 0;
    uint32_t jobs_active = 0;
    uint32_t jobs_queued = 0;
    uint64_t files_received = 0;
    uint64_t cache_hits = 0;
    uint32_t slots = 0;
    // Files placed in mirrors: hard links of a cache entry, or copies given the client's
    // mtime or a distinct inode (docs/sandbox.md, "mtimes and inodes").
    uint64_t files_linked = 0;
    uint64_t files_copied = 0;

    static constexpr MsgType kType = MsgType::stats;

    template <class M, class V> static void fields(M& m, V& v) {
        v("jobs_received", m.jobs_received);
        v("jobs_completed", m.jobs_completed);
        v("jobs_failed", m.jobs_failed);
        v("jobs_refused", m.jobs_refused);
        v("jobs_active", m.jobs_active);
        v("jobs_queued", m.jobs_queued);
        v("files_received", m.files_received);
        v("cache_hits", m.cache_hits);
        v("slots", m.slots);
        v("files_linked", m.files_linked);
        v("files_copied", m.files_copied);
    }

    bool operator==(const Stats&) const = default;
};

// encode(x) gives a payload; pair it with the right MsgType in encode_frame().
std::string encode(const RunnerHello&);
std::string encode(const ClientHello&);
std::string encode(const AuthProof&);
std::string encode(const JobRequest&);
std::string encode(const JobCancel&);
std::string encode(const NeedFiles&);
std::string encode(const FileData&);
std::string encode(const JobResult&);
std::string encode(const ErrorMsg&);
std::string encode(const Stats&);

Result<void> decode(std::string_view payload, RunnerHello&);
Result<void> decode(std::string_view payload, ClientHello&);
Result<void> decode(std::string_view payload, AuthProof&);
Result<void> decode(std::string_view payload, JobRequest&);
Result<void> decode(std::string_view payload, JobCancel&);
Result<void> decode(std::string_view payload, NeedFiles&);
Result<void> decode(std::string_view payload, FileData&);
Result<void> decode(std::string_view payload, JobResult&);
Result<void> decode(std::string_view payload, ErrorMsg&);
Result<void> decode(std::string_view payload, Stats&);
// A JobRequest's id alone, read without decoding the rest: a runner answers a request it
// cannot take now (queue full) by its id before it spends time on the manifest.
Result<uint64_t> peek_job_id(std::string_view job_request_payload);

} // namespace ferry::proto
