#include "coordinator/include_serve.hpp"

#include "compiler/args.hpp"
#include "compiler/scan.hpp"
#include "coordinator/include_shadow_verdict.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

#include <unordered_set>

namespace ferry::coordinator {

namespace {

// Units waiting for the analysis; each is a wrapper waiting too. Beyond, they scan.
constexpr size_t kMaxPending = 1024;

} // namespace

ServeAnswer served_request(const AnalysisUnit& unit, const AnalysisAnswer& answer) {
    ServeAnswer out;
    std::unordered_set<std::string> seen;
    auto add = [&](const std::string& file) {
        std::string path = lexical_absolute(unit.cwd, file);
        if (seen.insert(path).second) out.files.push_back(std::move(path));
    };
    add(answer.source);
    for (const auto& file : answer.analysis.files)
        add(file);
    compiler::ScanResult lists;
    lists.quote_dirs = answer.lists.quote_dirs;
    lists.angle_dirs = answer.lists.angle_dirs;
    const auto command = compiler::analyse(basename(unit.compiler_path), unit.args);
    out.system_include_dirs =
        compiler::builtin_include_dirs(lists, command.user_include_dirs, unit.cwd);
    auto proof = std::make_shared<ProofBasis>();
    // The runner lists what the user's own depfile lists: for -MMD, no system header.
    proof->partial = command.dep_rule == compiler::DepRule::user_files;
    proof->user_depfile = command.dep_rule != compiler::DepRule::none;
    proof->files = ProofFiles(seen.begin(), seen.end());
    proof->has_include_names.insert(answer.analysis.has_include_names.begin(),
                                    answer.analysis.has_include_names.end());
    for (const auto* dirs : {&answer.lists.quote_dirs, &answer.lists.angle_dirs})
        for (const auto& dir : *dirs)
            proof->search_dirs.push_back(lexical_absolute(unit.cwd, dir));
    out.proof = std::move(proof);
    return out;
}

void IncludeServe::analyse(const proto::IpcCompile& request,
                           const std::function<void(ServeAnswer)>& done) {
    if (request.language != "c" && request.language != "c++") {
        ServeAnswer answer;
        answer.scan_needed = "not C or C++";
        ++m_counters.refused;
        return done(std::move(answer));
    }
    bool queued = m_worker.submit(
        analysis_unit(request),
        [this, done](AnalysisUnit& unit, AnalysisAnswer& answer) {
            m_counters.add_times(answer.analysis_us, answer.probe_us);
            ServeAnswer out;
            if (!answer.error.empty()) {
                out.scan_needed = "the compiler probe failed";
                out.detail = answer.error;
            } else if (!answer.analysis.trustworthy()) {
                out.scan_needed = "the analysis refused";
                for (const auto& problem : answer.analysis.problems)
                    if (problem.refuse) {
                        out.detail =
                            fmt::format("{}:{}: {}", problem.file, problem.line, problem.what);
                        break;
                    }
            } else {
                out = served_request(unit, answer);
            }
            if (!out.scan_needed.empty()) {
                ++m_counters.refused;
                log::info("include analysis: unit {} needs the scan ({}{}{})", unit.label,
                          out.scan_needed, out.detail.empty() ? "" : ": ", out.detail);
            }
            done(std::move(out));
        },
        kMaxPending);
    if (!queued) {
        ServeAnswer answer;
        answer.scan_needed = "the analysis is busy";
        ++m_counters.refused;
        done(std::move(answer));
    }
}

} // namespace ferry::coordinator
