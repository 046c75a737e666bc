// Runner messages with non-trivial contents (binary data with NULs, every field set), shared
// by the protocol tests, the IPC tests and the fuzz seed corpus generator.
#pragma once

#include "ipc/messages.hpp"
#include "remote/protocol/messages.hpp"

#include <string>

namespace ferry::proto::samples {

using namespace std::string_literals;

inline std::string binary_blob(size_t n, unsigned seed) {
    std::string s(n, '\0');
    unsigned x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; ++i) {
        x = x * 1103515245u + 12345u;
        // Every fourth byte NUL so embedded NULs are everywhere.
        s[i] = (i % 4 == 0) ? '\0' : static_cast<char>(x >> 16);
    }
    return s;
}

inline constexpr const char* kHashA = "0123456789abcdef0123456789abcdef";
inline constexpr const char* kHashB = "fedcba9876543210fedcba9876543210";

inline RunnerHello runner_hello() {
    RunnerHello m;
    m.runner_name = "builder-7";
    m.slots = 16;
    m.compilers = {
        {"gcc", "c", "x86_64-linux-gnu", "gcc (Debian 12.2.0-14) 12.2.0", kHashA},
        {"clang++-14", "c++", "x86_64-pc-linux-gnu", "Debian clang version 14.0.6", kHashB},
    };
    m.challenge = "nonce\0with\xffNUL"s;
    m.runs_toolchains = true;
    return m;
}

inline ClientHello client_hello() {
    ClientHello m;
    m.client_name = "laptop";
    m.auth_response = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    return m;
}

inline JobRequest job_request() {
    JobRequest m;
    m.job_id = 0x0123456789abcdefull;
    m.compiler_name = "gcc";
    m.compiler_id = kHashA;
    m.cwd = "/home/me/proj/build";
    m.args = {"-O2", "-g", "-c", "../src/a b.c", "-o", "a.o", "-DX=\"q\"", ""};
    m.env = {{"LANG", "C"}, {"SOURCE_DATE_EPOCH", "0"}, {"EMPTY", ""}};
    m.files = {{"/home/me/proj/src/a b.c", kHashA, 1234, 1700000000123456789},
               {"/usr/include/../include/stdio.h", kHashB, 0xffffffffffull, -1}};
    m.system_include_dirs = {"/usr/lib/gcc/x86_64-linux-gnu/12/include", "/usr/include"};
    m.outputs = {"a.o", "a.d"};
    m.language = "c";
    m.color_diagnostics = true;
    m.links = {{"/home/me/proj/inc", "../shared/inc"}, {"/lib", "usr/lib"}};
    m.directories = {"/home/me/proj/build", "/usr/include"};
    m.toolchain.program = "/usr/bin/gcc";
    m.toolchain.path_env = "/usr/local/bin:/usr/bin";
    m.toolchain.files = {
        {"/usr/bin/x86_64-linux-gnu-gcc-12", kHashB, 1301496, 1672531200000000000}};
    m.toolchain.links = {{"/usr/bin/gcc", "gcc-12"}};
    m.list_opened = true;
    return m;
}

inline JobCancel job_cancel() {
    JobCancel m;
    m.job_id = 0xfedcba9876543210ull;
    return m;
}

inline NeedFiles need_files() {
    NeedFiles m;
    m.job_id = 42;
    m.hashes = {kHashA, kHashB};
    return m;
}

inline FileData file_data() {
    FileData m;
    m.job_id = 42;
    m.blobs = {{kHashA, binary_blob(3000, 1)}, {kHashB, ""s}, {kHashA, "\0\0\0"s}};
    return m;
}

inline JobResult job_result() {
    JobResult m;
    m.job_id = 42;
    m.status = JobStatus::completed;
    m.message = "";
    m.exit_code = -3;
    m.term_signal = 9;
    m.stdout_data = "out\0put"s;
    m.stderr_data = "a.c:1:1: warning: \xe2\x80\x98x\xe2\x80\x99 unused\n";
    m.outputs = {{"a.o", binary_blob(5000, 2)}, {"a.d", "a.o: a.c\n"}};
    m.compile_ms = 1234567;
    m.opened_listed = true;
    m.opened = {"x.cc", "/usr/include/stdio.h", "inc/my header.h"};
    return m;
}

inline ErrorMsg error_msg() {
    ErrorMsg m;
    m.code = ErrorCode::not_allowed;
    m.message = "peer 10.0.0.9 is not in --allow";
    return m;
}

inline Stats stats() {
    Stats m;
    m.jobs_received = 1;
    m.jobs_completed = 2;
    m.jobs_failed = 3;
    m.jobs_refused = 4;
    m.jobs_active = 5;
    m.jobs_queued = 6;
    m.files_received = 7;
    m.cache_hits = 0xffffffffffffffffull;
    m.files_linked = 77;
    m.files_copied = 5;
    m.slots = 9;
    return m;
}

// Calls fn(msg) for one sample of every runner message struct (tests/unit/ipc/samples.hpp has
// the IPC's).
template <typename Fn> void for_each_sample(Fn&& fn) {
    fn(runner_hello());
    fn(client_hello());
    fn(job_request());
    fn(job_cancel());
    fn(need_files());
    fn(file_data());
    fn(job_result());
    fn(error_msg());
    fn(stats());
}

} // namespace ferry::proto::samples
