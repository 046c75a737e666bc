#include "coordinator/include_shadow.hpp"

#include "compiler/args.hpp"
#include "compiler/scan.hpp"
#include "coordinator/include_shadow_shape.hpp"
#include "coordinator/includes/directive_cache.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"
#include "util/subprocess.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <unordered_map>

namespace ferry::coordinator {

namespace {

// Units waiting for the worker. A build that outruns the analysis loses samples, not speed:
// some 20 MB of copied requests at most.
constexpr size_t kMaxPending = 4096;
constexpr size_t kMaxSamples = size_t(1) << 20;
constexpr size_t kMissesLogged = 3; // per unit

uint64_t us_since(std::chrono::steady_clock::time_point start) {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - start)
                                     .count());
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

Result<ProcessResult> probe(const ShadowUnit& unit, std::vector<std::string> args) {
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

// ---- counters ----

void ShadowCounters::add(const ShadowOutcome& outcome) {
    ++units;
    switch (outcome.comparison.verdict) {
    case ShadowVerdict::superset:
        ++superset;
        extra_files += outcome.comparison.extra;
        break;
    case ShadowVerdict::missed:
        ++missed;
        break;
    case ShadowVerdict::refused:
        ++refused;
        break;
    }
    analysis_us += outcome.analysis_us;
    probe_us += outcome.probe_us;
    if (m_samples.size() < kMaxSamples)
        m_samples.push_back(
            static_cast<uint32_t>(std::min<uint64_t>(outcome.analysis_us, UINT32_MAX)));
}

uint64_t ShadowCounters::median_us() const {
    if (m_samples.empty()) return 0;
    std::vector<uint32_t> sorted = m_samples;
    auto middle = sorted.begin() + static_cast<ptrdiff_t>(sorted.size() / 2);
    std::nth_element(sorted.begin(), middle, sorted.end());
    return *middle;
}

// ---- the worker side ----

struct ShadowAnalyst::Caches {
    includes::RealFileSystem fs;
    includes::DirectiveCache directives;
    std::unordered_map<std::string, std::string> predefined;       // by macro_key
    std::unordered_map<std::string, includes::SearchLists> search; // by search_key
};

ShadowAnalyst::ShadowAnalyst() : m_caches(std::make_unique<Caches>()) {}
ShadowAnalyst::~ShadowAnalyst() = default;

ShadowOutcome ShadowAnalyst::analyse(const ShadowUnit& unit) {
    ShadowOutcome out;
    auto refuse = [&](std::string why) {
        out.error = why;
        out.comparison.verdict = ShadowVerdict::refused;
        out.comparison.refused_because = std::move(why);
        return out;
    };
    std::string compiler = compiler_stamp(unit.compiler_path);
    if (compiler.empty()) return refuse("cannot stat the compiler");
    ShadowShape shape = shadow_shape(unit.args, unit.language);
    auto start = std::chrono::steady_clock::now();

    std::string mkey = macro_key(compiler, shape, unit.language);
    auto macros = m_caches->predefined.find(mkey);
    if (macros == m_caches->predefined.end()) {
        auto result = probe(unit, macro_probe_args(shape, unit.language));
        if (!result) return refuse(result.error().message);
        macros = m_caches->predefined.emplace(mkey, std::move(result->out)).first;
    }
    std::string skey = search_key(compiler, unit.cwd, shape, unit.language);
    auto lists = m_caches->search.find(skey);
    if (lists == m_caches->search.end()) {
        auto result = probe(unit, search_probe_args(shape, unit.language));
        if (!result) return refuse(result.error().message);
        auto scan = compiler::parse_scan_output(result->err);
        lists =
            m_caches->search.emplace(skey, includes::SearchLists{scan.quote_dirs, scan.angle_dirs})
                .first;
    }
    out.probe_us = us_since(start);

    includes::AnalyserInput input;
    input.source = compiler::analyse(basename(unit.compiler_path), unit.args).source;
    if (input.source.empty()) return refuse("no source on the command line");
    input.cwd = unit.cwd;
    input.lists = lists->second;
    input.predefined = macros->second;
    bool clang = macros->second.find("#define __clang__ ") != std::string::npos;
    if (!clang && !shape.no_implicit_include) input.implicit_includes = {"stdc-predef.h"};
    input.forced = shape.forced;
    input.lex = shape.lex;

    start = std::chrono::steady_clock::now();
    auto analysis = includes::analyse(m_caches->fs, m_caches->directives, input);
    out.analysis_us = us_since(start);
    out.comparison = compare_with_scan(unit.files, analysis, unit.cwd);
    return out;
}

// ---- the loop side ----

struct IncludeShadow::Shared {
    ShadowAnalyst analyst;
    IncludeShadow* owner = nullptr; // null once the IncludeShadow is gone
};

struct IncludeShadow::Work {
    uv_work_t req{};
    std::shared_ptr<Shared> shared;
    ShadowUnit unit;
    ShadowOutcome outcome;
};

IncludeShadow::IncludeShadow(uv_loop_t* loop) : m_loop(loop), m_shared(std::make_shared<Shared>()) {
    m_shared->owner = this;
}

IncludeShadow::~IncludeShadow() {
    // A work in flight cannot be cancelled: it keeps the analyst alive and ends unheard.
    m_shared->owner = nullptr;
}

void IncludeShadow::submit(const proto::IpcCompile& request) {
    if (m_stopped) return;
    if (request.language != "c" && request.language != "c++") return;
    if (m_pending.size() >= kMaxPending) {
        if (m_counters.skipped++ == 0)
            log::warning("include analysis (shadow) cannot keep up: units are skipped");
        return;
    }
    ShadowUnit unit;
    unit.compiler_path = request.compiler_path;
    unit.cwd = request.cwd;
    unit.args = request.args;
    unit.env = request.env;
    unit.language = request.language;
    unit.files = request.files;
    unit.label = request.source.empty() ? basename(request.compiler_path)
                                        : lexical_absolute(request.cwd, request.source);
    m_pending.push_back(std::move(unit));
    start_next();
}

void IncludeShadow::stop() {
    m_stopped = true;
    m_pending.clear();
}

void IncludeShadow::start_next() {
    if (m_busy || m_pending.empty()) return;
    auto work = std::make_unique<Work>();
    work->shared = m_shared;
    work->unit = std::move(m_pending.front());
    m_pending.pop_front();
    work->req.data = work.get();
    int rc = uv_queue_work(m_loop, &work->req, &IncludeShadow::run, &IncludeShadow::done);
    if (rc != 0) {
        log::warning("include analysis (shadow): cannot queue work: {}", uv_strerror(rc));
        return;
    }
    (void)work.release(); // owned by the request until done()
    m_busy = true;
}

// On a pool thread. Only this work touches the analyst now (one in flight at a time).
void IncludeShadow::run(uv_work_t* req) {
    auto* work = static_cast<Work*>(req->data);
    try {
        work->outcome = work->shared->analyst.analyse(work->unit);
    } catch (const std::exception& e) {
        work->outcome = {};
        work->outcome.error = e.what();
        work->outcome.comparison.verdict = ShadowVerdict::refused;
        work->outcome.comparison.refused_because = e.what();
    }
}

// Back on the loop.
void IncludeShadow::done(uv_work_t* req, int) {
    std::unique_ptr<Work> work(static_cast<Work*>(req->data));
    IncludeShadow* owner = work->shared->owner;
    if (!owner) return;
    owner->m_busy = false;
    try {
        owner->finished(work->unit, work->outcome);
    } catch (const std::exception& e) {
        log::warning("include analysis (shadow): {}", e.what());
    }
    owner->start_next();
}

void IncludeShadow::finished(const ShadowUnit& unit, const ShadowOutcome& outcome) {
    m_counters.add(outcome);
    const auto& c = outcome.comparison;
    switch (c.verdict) {
    case ShadowVerdict::superset:
        log::debug("include analysis: superset (+{}) for unit {} in {:.1f} ms", c.extra, unit.label,
                   static_cast<double>(outcome.analysis_us) / 1000.0);
        break;
    case ShadowVerdict::missed:
        for (size_t k = 0; k < c.missing.size() && k < kMissesLogged; ++k)
            log::info("include analysis missed {} for unit {}", c.missing[k], unit.label);
        if (c.missing.size() > kMissesLogged)
            log::info("include analysis missed {} more files for unit {}",
                      c.missing.size() - kMissesLogged, unit.label);
        break;
    case ShadowVerdict::refused:
        log::info("include analysis refused unit {}: {}", unit.label, c.refused_because);
        break;
    }
}

} // namespace ferry::coordinator
