// IPC messages with non-trivial contents (binary data with NULs, every field set), shared by
// the IPC tests and the fuzz seed corpus generator.
#pragma once

#include "ipc/messages.hpp"
#include "tests/unit/remote/protocol/samples.hpp"

#include <string>

namespace ferry::proto::samples {

inline IpcAcquireLocal ipc_acquire_local() {
    IpcAcquireLocal m;
    m.pid = 31337;
    m.what = "compile";
    m.source = "x.cc";
    m.build = "b-42";
    m.reason = "-fprofile-generate";
    m.counted = true;
    return m;
}

inline IpcReleaseLocal ipc_release_local() {
    IpcReleaseLocal m;
    m.children_cpu_us = 1234567890123;
    return m;
}

inline IpcCompile ipc_compile() {
    IpcCompile m;
    m.compiler_path = "/usr/bin/g++";
    m.driver = "c++";
    m.cwd = "/tmp/x";
    m.args = {"-c", "x.cc", "-o", "x.o", "-std=c++20"};
    m.env = {{"LC_ALL", "C"}};
    m.files = {"/tmp/x/x.cc", "/usr/include/c++/12/vector"};
    m.system_include_dirs = {"/usr/include/c++/12", "/usr/include"};
    m.outputs = {"x.o"};
    m.language = "c++";
    m.color_diagnostics = true;
    m.memo_key = "0123456789abcdef0123456789abcdef";
    m.speculative = true;
    m.pid = 4242;
    m.source = "x.cc";
    m.build = "b-42";
    m.analyse = true;
    m.scan_reason = "dependency options";
    return m;
}

inline IpcMemoRequest ipc_memo_request() {
    IpcMemoRequest m;
    m.key = "0123456789abcdef0123456789abcdef";
    return m;
}

inline IpcMemo ipc_memo() {
    IpcMemo m;
    m.found = true;
    m.request = ipc_compile();
    return m;
}

inline IpcCompileResult ipc_compile_result() {
    IpcCompileResult m;
    m.ran_remotely = true;
    m.runner = "builder-7";
    m.warning = "runner builder-3 failed (timeout), compiled on builder-7";
    m.exit_code = 1;
    m.term_signal = 0;
    m.stdout_data = "";
    m.stderr_data = "x.cc:2:5: error: \0odd"s;
    m.outputs = {{"x.o", binary_blob(700, 3)}};
    m.scan_needed = "the analysis refused";
    m.lowest_priority = true;
    return m;
}

inline IpcStatus ipc_status() {
    IpcStatus m;
    m.runners = {
        {"builder-7",
         "127.0.0.2:3633",
         "up",
         16,
         3,
         1000,
         2,
         "",
         {{"gcc", "c", "x86_64-linux-gnu", "gcc (Debian 12.2.0-14) 12.2.0", kHashA}},
         true,
         0},
        {"builder-3", "[::1]:3633", "backoff", 8, 0, 5, 4, "connection refused", {}, false, 7500}};
    m.remote_capacity = 16;
    m.local_slots = 4;
    m.local_in_use = 1;
    m.queued = 2;
    m.jobs_remote = 1005;
    m.jobs_local = 12;
    m.pid = 4242;
    m.jobs_kept_local = 3;
    m.links_local = 2;
    m.local_reasons = {{"runner failed", 9}, {"-fprofile-generate", 3}};
    m.watchers = 1;
    m.shadow_units = 40;
    m.shadow_superset = 37;
    m.shadow_missed = 1;
    m.shadow_refused = 2;
    m.shadow_extra_files = 74;
    m.shadow_analysis_us = 2'400'000;
    m.shadow_median_us = 51'200;
    m.shadow_probe_us = 310'000;
    m.shadow_pending = true;
    m.speculative_used = 6;
    m.speculative_unused = 2;
    m.backups_started = 6;
    m.backups_won = 4;
    m.backups_discarded = 3;
    m.include_analysis_mode = "on";
    m.analysis_served = 33;
    m.analysis_scanned = {{"the analysis refused", 2}, {"dependency options", 5}};
    m.scan_passes = 7;
    m.local_waiting = 3;
    m.offload_cpu_ms = 1234;
    return m;
}

inline JobView job_view() {
    JobView m;
    m.id = 17;
    m.pid = 31337;
    m.build = "b-42";
    m.source = "src/a b.c";
    m.phase = "compile";
    m.runner = "builder-7";
    m.slot = 3;
    m.phase_start_us = 123456789;
    m.outcome = "";
    m.reason = "";
    m.compile_ms = 0;
    m.phases = {{"scan", "local", 0, 100, 200},
                {"queue", "", -1, 200, 250},
                {"send", "builder-7", 3, 250, 300},
                {"compile", "builder-7", 3, 300, 0}};
    return m;
}

inline IpcJobs ipc_jobs() {
    IpcJobs m;
    m.status = ipc_status();
    m.jobs = {job_view(), job_view()};
    m.jobs[1].id = 18;
    m.jobs[1].phases.clear();
    m.now_us = 987654321;
    return m;
}

inline IpcWatch ipc_watch() {
    return IpcWatch{"b-42", true};
}

inline IpcJobEvent ipc_job_event() {
    IpcJobEvent m;
    m.job = job_view();
    m.job.outcome = "fallback";
    m.job.reason = "runner failed";
    m.finished = true;
    m.now_us = 5;
    return m;
}

// Calls fn(msg) for one sample of every IPC message struct.
template <typename Fn> void for_each_ipc_sample(Fn&& fn) {
    fn(ipc_acquire_local());
    fn(ipc_release_local());
    fn(ipc_compile());
    fn(ipc_compile_result());
    fn(ipc_status());
    fn(ipc_jobs());
    fn(ipc_watch());
    fn(ipc_job_event());
    fn(ipc_memo_request());
    fn(ipc_memo());
}

} // namespace ferry::proto::samples
