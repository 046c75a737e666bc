#include "coordinator/include_worker.hpp"

#include "compiler/args.hpp"
#include "compiler/scan.hpp"
#include "coordinator/include_shadow_shape.hpp"
#include "coordinator/include_shadow_verdict.hpp"
#include "coordinator/includes/directive_cache.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/subprocess.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <time.h>
#include <unordered_map>

namespace ferry::coordinator {

namespace {

uint64_t us_since(std::chrono::steady_clock::time_point start) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - start)
                                     .count());
}

// The walk's cost is this thread's CPU, not the wall time: on a loaded machine (the build's
// own compiles beside it) the wall time measures the load.
uint64_t thread_cpu_us() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

// The compiler's identity for the probe caches: a compiler replaced mid-build (same path,
// another file) must be asked again.
std::string compiler_stamp(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return fmt::format("{}\n{}:{}:{}.{}", path, st.st_ino, st.st_size, st.st_mtim.tv_sec,
                       st.st_mtim.tv_nsec);
}

// The coordinator's environment with the request's variables over it: the probes must see
// what the compile sees.
std::vector<std::string> probe_environment(const proto::EnvList& env) {
    std::vector<std::string> out;
    for (auto& entry : current_environment()) {
        std::string_view name(entry.data(), std::min(entry.find('='), entry.size()));
        bool replaced =
            std::any_of(env.begin(), env.end(), [&](const auto& kv) { return kv.first == name; });
        if (!replaced) out.push_back(std::move(entry));
    }
    for (const auto& [name, value] : env)
        out.push_back(name + "=" + value);
    return out;
}

Result<ProcessResult> probe(const AnalysisUnit& unit, std::vector<std::string> args) {
    RunOptions options;
    options.argv.push_back(unit.compiler_path);
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.program = unit.compiler_path;
    options.cwd = unit.cwd;
    options.env = probe_environment(unit.env);
    FERRY_TRY(result, run_process(options));
    if (result->term_signal != 0 || result->exit_code != 0)
        return make_error(
            Errc::io, "{} {} failed: {}", unit.compiler_path, fmt::join(args, " "),
            // -v's banner comes first, the error last.
            result->err.substr(result->err.size() - std::min<size_t>(result->err.size(), 200)));
    return std::move(*result);
}

} // namespace

AnalysisUnit analysis_unit(const proto::IpcCompile& request) {
    AnalysisUnit unit;
    unit.compiler_path = request.compiler_path;
    unit.cwd = request.cwd;
    unit.args = request.args;
    unit.env = request.env;
    unit.language = request.language;
    unit.files = request.files;
    unit.label = request.source.empty() ? basename(request.compiler_path)
                                        : lexical_absolute(request.cwd, request.source);
    return unit;
}

// ---- the analyst ----

struct IncludeAnalyst::Caches {
    includes::RememberingFileSystem fs;
    includes::DirectiveCache directives;
    includes::WalkMemo memo; // headers' visits, across the units of every build
    std::unordered_map<std::string, std::string> predefined;       // by macro_key
    std::unordered_map<std::string, includes::SearchLists> search; // by search_key
};

IncludeAnalyst::IncludeAnalyst(bool memo) : m_caches(std::make_unique<Caches>()), m_memo(memo) {}
IncludeAnalyst::~IncludeAnalyst() = default;

includes::WalkMemo::Counters IncludeAnalyst::memo_counters() const {
    return m_caches->memo.counters();
}

size_t IncludeAnalyst::memo_bytes() const {
    return m_caches->memo.bytes();
}

AnalysisAnswer IncludeAnalyst::analyse(const AnalysisUnit& unit) {
    AnalysisAnswer out;
    auto fail = [&](std::string why) {
        out.error = std::move(why);
        return std::move(out);
    };
    std::string compiler = compiler_stamp(unit.compiler_path);
    if (compiler.empty()) return fail("cannot stat the compiler");
    ShadowShape shape = shadow_shape(unit.args, unit.language);
    auto start = std::chrono::steady_clock::now();

    std::string mkey = macro_key(compiler, shape, unit.language);
    auto macros = m_caches->predefined.find(mkey);
    if (macros == m_caches->predefined.end()) {
        auto result = probe(unit, macro_probe_args(shape, unit.language));
        if (!result) return fail(result.error().message);
        macros = m_caches->predefined.emplace(mkey, std::move(result->out)).first;
    }
    std::string skey = search_key(compiler, unit.cwd, shape, unit.language);
    auto lists = m_caches->search.find(skey);
    if (lists == m_caches->search.end()) {
        auto result = probe(unit, search_probe_args(shape, unit.language));
        if (!result) return fail(result.error().message);
        auto scan = compiler::parse_scan_output(result->err);
        lists =
            m_caches->search.emplace(skey, includes::SearchLists{scan.quote_dirs, scan.angle_dirs})
                .first;
    }
    out.probe_us = us_since(start);

    includes::AnalyserInput input;
    input.source = compiler::analyse(basename(unit.compiler_path), unit.args).source;
    if (input.source.empty()) return fail("no source on the command line");
    out.source = input.source;
    input.cwd = unit.cwd;
    input.lists = lists->second;
    out.lists = lists->second;
    input.predefined = macros->second;
    bool clang = macros->second.find("#define __clang__ ") != std::string::npos;
    if (!clang && !shape.no_implicit_include) input.implicit_includes = {"stdc-predef.h"};
    input.forced = shape.forced;
    input.lex = shape.lex;

    const uint64_t cpu_start = thread_cpu_us();
    m_caches->fs.begin_pass();
    out.analysis = includes::analyse(m_caches->fs, m_caches->directives, input,
                                     m_memo ? &m_caches->memo : nullptr);
    out.analysis_us = thread_cpu_us() - cpu_start;
    return out;
}

// ---- the worker ----

struct IncludeWorker::Shared {
    IncludeAnalyst analyst;
    IncludeWorker* owner = nullptr; // null once the IncludeWorker is gone
};

struct IncludeWorker::Work {
    uv_work_t req{};
    std::shared_ptr<Shared> shared;
    Waiting waiting;
    AnalysisAnswer answer;
};

IncludeWorker::IncludeWorker(uv_loop_t* loop) : m_loop(loop), m_shared(std::make_shared<Shared>()) {
    m_shared->owner = this;
}

IncludeWorker::~IncludeWorker() {
    // A work in flight cannot be cancelled: it keeps the analyst alive and ends unheard.
    m_shared->owner = nullptr;
}

bool IncludeWorker::submit(AnalysisUnit unit, Done done, size_t max_pending) {
    if (m_stopped || m_pending.size() >= max_pending) return false;
    m_pending.push_back(Waiting{std::move(unit), std::move(done)});
    start_next();
    return true;
}

void IncludeWorker::stop() {
    m_stopped = true;
    m_pending.clear();
}

void IncludeWorker::start_next() {
    if (m_busy || m_pending.empty()) return;
    auto work = std::make_unique<Work>();
    work->shared = m_shared;
    work->waiting = std::move(m_pending.front());
    m_pending.pop_front();
    work->req.data = work.get();
    int rc = uv_queue_work(m_loop, &work->req, &IncludeWorker::run, &IncludeWorker::finished);
    if (rc != 0) {
        log::warning("include analysis: cannot queue work: {}", uv_strerror(rc));
        work->answer.error = fmt::format("cannot queue work: {}", uv_strerror(rc));
        work->waiting.done(work->waiting.unit, work->answer);
        return;
    }
    (void)work.release(); // owned by the request until finished()
    m_busy = true;
}

// On a pool thread. Only this work touches the analyst now (one in flight at a time).
void IncludeWorker::run(uv_work_t* req) {
    auto* work = static_cast<Work*>(req->data);
    try {
        work->answer = work->shared->analyst.analyse(work->waiting.unit);
    } catch (const std::exception& e) {
        work->answer = {};
        work->answer.error = e.what();
    }
}

// Back on the loop.
void IncludeWorker::finished(uv_work_t* req, int) {
    std::unique_ptr<Work> work(static_cast<Work*>(req->data));
    IncludeWorker* owner = work->shared->owner;
    if (!owner) return;
    owner->m_busy = false;
    try {
        work->waiting.done(work->waiting.unit, work->answer);
    } catch (const std::exception& e) {
        log::warning("include analysis: {}", e.what());
    }
    owner->start_next();
}

} // namespace ferry::coordinator
