// The coordinator's IPC messages (wrapper, `ferry make`, `ferry mon` <-> coordinator over its
// unix socket), as plain structs with encode/decode, on the same frames as the runner
// protocol (remote/protocol/frame.hpp). Bump kIpcRevision (ipc/paths.hpp) with any change.
// Each struct lists its fields once, in wire order (`fields`, remote/protocol/fields.hpp);
// encode() and decode() both follow that list, and decode() is as strict as the runner
// messages' (remote/protocol/messages.hpp).
#pragma once

#include "remote/protocol/fields.hpp"
#include "remote/protocol/frame.hpp"
#include "remote/protocol/values.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::proto {

// Who asks and why, so that `ferry mon`, the build summary and the trace can show the step
// and `ferry status` can count local compiles.
struct IpcAcquireLocal {
    uint32_t pid = 0;
    std::string what;   // "preprocess", "compile", "link"
    std::string source; // the source file (or the first output), for display
    std::string build;  // $FERRY_BUILD of the wrapper: which `ferry make` it belongs to
    // Why a "compile" or "link" runs here ("-fprofile-generate", "no runners", "runner
    // failed"...). Empty for "preprocess".
    std::string reason;
    // The coordinator already counted this compile as local (it answered ran_remotely =
    // false): the slot must not count it again.
    bool counted = false;

    static constexpr MsgType kType = MsgType::ipc_acquire_local;

    template <class M, class V> static void fields(M& m, V& v) {
        v("pid", m.pid);
        v("what", m.what);
        v("source", m.source);
        v("build", m.build);
        v("reason", m.reason);
        v("counted", m.counted);
    }

    bool operator==(const IpcAcquireLocal&) const = default;
};

// The local slot given back. `children_cpu_us`: the CPU its wrapper's reaped children used
// so far (getrusage RUSAGE_CHILDREN, user + system), so that a compile the coordinator sent
// back as idle offload is counted to its end even when the wrapper exits before the
// coordinator reads its /proc entry (coordinator/offload_runs.hpp).
struct IpcReleaseLocal {
    uint64_t children_cpu_us = 0;

    static constexpr MsgType kType = MsgType::ipc_release_local;

    template <class M, class V> static void fields(M& m, V& v) {
        v("children_cpu_us", m.children_cpu_us);
    }

    bool operator==(const IpcReleaseLocal&) const = default;
};

struct IpcCompile {
    std::string compiler_path; // absolute path of the real compiler on this machine
    std::string driver;        // "c" or "c++"
    std::string cwd;
    std::vector<std::string> args;
    EnvList env;
    std::vector<std::string> files; // absolute (lexical) paths of everything the compile reads
    std::vector<std::string> system_include_dirs;
    std::vector<std::string> outputs;
    std::string language;
    bool color_diagnostics = false;
    // Names this compile for the coordinator's scan memo (see IpcMemo): the wrapper's hash
    // of everything but the scan. Empty: not remembered.
    std::string memo_key;
    // Sent from the memo before the scan confirmed it: for the coordinator's log only.
    bool speculative = false;
    uint32_t pid = 0;   // the wrapper's, for `ferry mon`
    std::string source; // for display
    std::string build;  // $FERRY_BUILD (see IpcAcquireLocal)
    // include_analysis = "on": no scan was run and `files`/`system_include_dirs` are empty;
    // the coordinator analyses the unit, or answers IpcCompileResult::scan_needed.
    bool analyse = false;
    // include_analysis = "on" and the wrapper scanned without asking the analysis: why (a
    // unit it does not serve), counted by the coordinator with the scans it asked for.
    std::string scan_reason;

    static constexpr MsgType kType = MsgType::ipc_compile;

    template <class M, class V> static void fields(M& m, V& v) {
        v("compiler_path", m.compiler_path);
        v("driver", m.driver);
        v("cwd", m.cwd);
        v("args", m.args);
        v("env", m.env);
        v("files", m.files);
        v("system_include_dirs", m.system_include_dirs);
        v("outputs", m.outputs);
        v("language", m.language);
        v("color_diagnostics", m.color_diagnostics);
        v("memo_key", m.memo_key);
        v("speculative", m.speculative);
        v("pid", m.pid);
        v("source", m.source);
        v("build", m.build);
        v("analyse", m.analyse);
        v("scan_reason", m.scan_reason);
    }

    bool operator==(const IpcCompile&) const = default;
};

// The last IpcCompile the coordinator saw under a memo key, so that a wrapper can start the
// remote compile while its own scan still runs, and keep the result only if the scan then
// yields exactly that request (client/speculation.hpp).
struct IpcMemoRequest {
    std::string key;

    static constexpr MsgType kType = MsgType::ipc_memo_request;

    template <class M, class V> static void fields(M& m, V& v) { v("key", m.key); }

    bool operator==(const IpcMemoRequest&) const = default;
};

struct IpcMemo {
    bool found = false;
    IpcCompile request; // meaningful when found

    static constexpr MsgType kType = MsgType::ipc_memo;

    template <class M, class V> static void fields(M& m, V& v) {
        v("found", m.found);
        v("request", nested(m.request));
    }

    bool operator==(const IpcMemo&) const = default;
};

struct IpcCompileResult {
    bool ran_remotely = false; // false: the wrapper must compile locally
    std::string runner;        // name of the runner that compiled it
    std::string warning;       // one line for the user (a runner failed...), may be empty
    int32_t exit_code = -1;
    int32_t term_signal = 0;
    std::string stdout_data;
    std::string stderr_data;
    std::vector<OutputFile> outputs;
    // Not empty: an IpcCompile with `analyse` that the analysis cannot serve (why). The
    // wrapper scans and sends the scanned request on the same connection.
    std::string scan_needed;
    // With ran_remotely false: compile at the lowest priority, on CPU nothing else here wants
    // (a queued job the coordinator sent back because this machine was idle).
    bool lowest_priority = false;

    static constexpr MsgType kType = MsgType::ipc_compile_result;

    template <class M, class V> static void fields(M& m, V& v) {
        v("ran_remotely", m.ran_remotely);
        v("runner", m.runner);
        v("warning", m.warning);
        v("exit_code", m.exit_code);
        v("term_signal", m.term_signal);
        v("stdout_data", m.stdout_data);
        v("stderr_data", m.stderr_data);
        v("outputs", m.outputs);
        v("scan_needed", m.scan_needed);
        v("lowest_priority", m.lowest_priority);
    }

    bool operator==(const IpcCompileResult&) const = default;
};

struct RunnerStatus {
    std::string name;
    std::string address; // "127.0.0.2:3633"
    std::string state;   // "up", "connecting", "down", "backoff"
    uint32_t slots = 0;
    uint32_t in_flight = 0;
    uint64_t jobs_done = 0;
    uint64_t failures = 0;
    std::string last_error;
    std::vector<CompilerInfo> compilers; // from its greeting; empty until it was up once
    bool runs_toolchains = false;        // sandboxed: runs the compiler a job brings
    uint64_t backoff_ms = 0;             // left before the next try, in backoff

    template <class M, class V> static void fields(M& m, V& v) {
        v("name", m.name);
        v("address", m.address);
        v("state", m.state);
        v("slots", m.slots);
        v("in_flight", m.in_flight);
        v("jobs_done", m.jobs_done);
        v("failures", m.failures);
        v("last_error", m.last_error);
        v("compilers", m.compilers);
        v("runs_toolchains", m.runs_toolchains);
        v("backoff_ms", m.backoff_ms);
    }

    bool operator==(const RunnerStatus&) const = default;
};

// How many compiles ran locally for one reason.
struct ReasonCount {
    std::string reason;
    uint64_t count = 0;

    template <class M, class V> static void fields(M& m, V& v) {
        v("reason", m.reason);
        v("count", m.count);
    }

    bool operator==(const ReasonCount&) const = default;
};

struct IpcStatus {
    std::vector<RunnerStatus> runners;
    uint32_t remote_capacity = 0; // slots of runners that are up
    uint32_t local_slots = 0;
    uint32_t local_in_use = 0;
    uint32_t queued = 0;
    uint64_t jobs_remote = 0;
    uint64_t jobs_local = 0; // sent to the coordinator, sent back to compile locally
    uint32_t pid = 0;
    uint64_t jobs_kept_local = 0; // compiles the wrapper kept here (an option, an output...)
    uint64_t links_local = 0;     // link steps (always local)
    std::vector<ReasonCount> local_reasons; // every local compile (both kinds), by reason
    uint32_t watchers = 0;                  // `ferry mon`, `--trace`, dashboards attached
    // Include analysis in shadow mode (coordinator/include_shadow.hpp); all 0 when it is off.
    uint64_t shadow_units = 0; // analysed: superset + missed + refused
    uint64_t shadow_superset = 0;
    uint64_t shadow_missed = 0;
    uint64_t shadow_refused = 0;
    uint64_t shadow_extra_files = 0; // files beyond the scan's, over the superset units
    uint64_t shadow_analysis_us = 0; // the walks, in total
    uint64_t shadow_median_us = 0;   // one walk
    uint64_t shadow_probe_us = 0;    // compiler probes (-dM -E, -E -v), in total
    // Speculative starts (client/speculation.hpp): answers a wrapper used, and starts it did
    // not (its scan found another request; a wasted compile, not counted in jobs_remote).
    uint64_t speculative_used = 0;
    uint64_t speculative_unused = 0;
    bool shadow_pending = false; // units still waiting for the analysis
    // Backup compiles (the tail race, coordinator/scheduler.hpp): copies of a late job sent
    // to an idle runner, those whose answer was used, and late answers of the losing copy.
    uint64_t backups_started = 0;
    uint64_t backups_won = 0;
    uint64_t backups_discarded = 0;
    // "off", "shadow" or "on". In "on" mode the shadow_* counters count the analyses that
    // served jobs: superset = proved by the runner's make rule, missed = the compile opened a
    // file the analysis did not list (or lacked one: compiled locally), refused = the
    // wrapper was told to scan.
    std::string include_analysis_mode;
    uint64_t analysis_served = 0;              // jobs sent with the analysis' file list
    std::vector<ReasonCount> analysis_scanned; // "on": units scanned after all, by reason
    uint64_t scan_passes = 0; // local slots taken for a wrapper's scan ("preprocess")
    // Wrappers waiting for a local slot now: each holds a token of its build's jobserver
    // while it waits (integrations/make/capacity.hpp lends the build one more for each).
    uint32_t local_waiting = 0;
    // The CPU of the compiles this machine took as a slot ("runners busy, this machine
    // idle"), followed from their wrappers and handed back to the idle readings
    // (coordinator/offload_runs.hpp), in total.
    uint64_t offload_cpu_ms = 0;

    static constexpr MsgType kType = MsgType::ipc_status;

    template <class M, class V> static void fields(M& m, V& v) {
        v("runners", m.runners);
        v("remote_capacity", m.remote_capacity);
        v("local_slots", m.local_slots);
        v("local_in_use", m.local_in_use);
        v("queued", m.queued);
        v("jobs_remote", m.jobs_remote);
        v("jobs_local", m.jobs_local);
        v("pid", m.pid);
        v("jobs_kept_local", m.jobs_kept_local);
        v("links_local", m.links_local);
        v("local_reasons", m.local_reasons);
        v("watchers", m.watchers);
        v("shadow_units", m.shadow_units);
        v("shadow_superset", m.shadow_superset);
        v("shadow_missed", m.shadow_missed);
        v("shadow_refused", m.shadow_refused);
        v("shadow_extra_files", m.shadow_extra_files);
        v("shadow_analysis_us", m.shadow_analysis_us);
        v("shadow_median_us", m.shadow_median_us);
        v("shadow_probe_us", m.shadow_probe_us);
        v("shadow_pending", m.shadow_pending);
        v("speculative_used", m.speculative_used);
        v("speculative_unused", m.speculative_unused);
        v("backups_started", m.backups_started);
        v("backups_won", m.backups_won);
        v("backups_discarded", m.backups_discarded);
        v("include_analysis_mode", m.include_analysis_mode);
        v("analysis_served", m.analysis_served);
        v("analysis_scanned", m.analysis_scanned);
        v("scan_passes", m.scan_passes);
        v("local_waiting", m.local_waiting);
        v("offload_cpu_ms", m.offload_cpu_ms);
    }

    bool operator==(const IpcStatus&) const = default;
};

// One step of a job as `ferry mon` and the trace show it. Times are microseconds of the
// machine's monotonic clock (uv_hrtime), comparable across processes.
struct PhaseSpan {
    std::string phase; // "scan", "queue", "send", "compile", "receive", "local"
    std::string lane;  // runner name, or "local"
    int32_t slot = -1; // lane slot while it held one
    uint64_t start_us = 0;
    uint64_t end_us = 0; // 0: still in it

    template <class M, class V> static void fields(M& m, V& v) {
        v("phase", m.phase);
        v("lane", m.lane);
        v("slot", m.slot);
        v("start_us", m.start_us);
        v("end_us", m.end_us);
    }

    bool operator==(const PhaseSpan&) const = default;
};

// A job in flight (or just finished): one wrapper's compile from its scan to its answer.
struct JobView {
    uint64_t id = 0; // the coordinator's, unique while it runs
    uint32_t pid = 0;
    std::string build;
    std::string source;
    std::string phase;  // the current one (PhaseSpan::phase), or "waiting" between steps
    std::string runner; // where it is: runner name, "local", or empty
    int32_t slot = -1;
    uint64_t phase_start_us = 0;
    // When finished: "remote", "fallback" (sent back by the coordinator or a runner),
    // "local" (kept here by the wrapper), "cancelled" (its wrapper went away), "unused" (a
    // speculative start its wrapper did not use; "unconfirmed" while the wrapper decides), or
    // "link"/"preprocess" for steps that were never a compile.
    std::string outcome;
    std::string reason;            // why local, for "fallback" and "local"
    uint64_t compile_ms = 0;       // the runner's compile time (remote jobs)
    std::vector<PhaseSpan> phases; // every step so far

    template <class M, class V> static void fields(M& m, V& v) {
        v("id", m.id);
        v("pid", m.pid);
        v("build", m.build);
        v("source", m.source);
        v("phase", m.phase);
        v("runner", m.runner);
        v("slot", m.slot);
        v("phase_start_us", m.phase_start_us);
        v("outcome", m.outcome);
        v("reason", m.reason);
        v("compile_ms", m.compile_ms);
        v("phases", m.phases);
    }

    bool operator==(const JobView&) const = default;
};

// Answer to ipc_jobs_request and first frame to a watcher: the whole picture now.
struct IpcJobs {
    IpcStatus status;
    std::vector<JobView> jobs;
    uint64_t now_us = 0;

    static constexpr MsgType kType = MsgType::ipc_jobs;

    template <class M, class V> static void fields(M& m, V& v) {
        v("status", m.status);
        v("jobs", m.jobs);
        v("now_us", m.now_us);
    }

    bool operator==(const IpcJobs&) const = default;
};

// Turns the connection into a watcher: an IpcJobs now, then an IpcJobEvent at every change
// of phase, and a fresh IpcJobs when a runner's state changes. `build` non-empty: only the
// jobs of that build (their events; snapshots list only them too).
struct IpcWatch {
    std::string build;
    bool finished_only = false; // just the jobs' last events (a summary or a trace)

    static constexpr MsgType kType = MsgType::ipc_watch;

    template <class M, class V> static void fields(M& m, V& v) {
        v("build", m.build);
        v("finished_only", m.finished_only);
    }

    bool operator==(const IpcWatch&) const = default;
};

struct IpcJobEvent {
    JobView job;
    bool finished = false;
    uint64_t now_us = 0;

    static constexpr MsgType kType = MsgType::ipc_job_event;

    template <class M, class V> static void fields(M& m, V& v) {
        v("job", m.job);
        v("finished", m.finished);
        v("now_us", m.now_us);
    }

    bool operator==(const IpcJobEvent&) const = default;
};

// encode(x) gives a payload; send it with frame(x) (remote/protocol/frame.hpp).
std::string encode(const IpcAcquireLocal&);
std::string encode(const IpcReleaseLocal&);
std::string encode(const IpcCompile&);
std::string encode(const IpcCompileResult&);
std::string encode(const IpcStatus&);
std::string encode(const IpcMemoRequest&);
std::string encode(const IpcMemo&);
std::string encode(const IpcJobs&);
std::string encode(const IpcWatch&);
std::string encode(const IpcJobEvent&);

Result<void> decode(std::string_view payload, IpcAcquireLocal&);
Result<void> decode(std::string_view payload, IpcReleaseLocal&);
Result<void> decode(std::string_view payload, IpcCompile&);
Result<void> decode(std::string_view payload, IpcCompileResult&);
Result<void> decode(std::string_view payload, IpcStatus&);
Result<void> decode(std::string_view payload, IpcMemoRequest&);
Result<void> decode(std::string_view payload, IpcMemo&);
Result<void> decode(std::string_view payload, IpcJobs&);
Result<void> decode(std::string_view payload, IpcWatch&);
Result<void> decode(std::string_view payload, IpcJobEvent&);

} // namespace ferry::proto
