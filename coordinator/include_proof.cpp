#include "coordinator/include_proof.hpp"

#include "coordinator/include_shadow_verdict.hpp"
#include "coordinator/runner_fault.hpp"

namespace ferry::coordinator {

ProofFiles proof_files(const std::vector<std::string>& files, std::string_view cwd) {
    ProofFiles out;
    for (const auto& file : files)
        out.insert(lexical_absolute(cwd, file));
    return out;
}

ProofVerdict check_proof(const ProofFiles& analysed, const proto::JobResult& result,
                         std::string_view cwd) {
    ProofVerdict out;
    // First: a compile that lacked a file also lists fewer files than it would have opened.
    if (auto missing = missing_input(result)) {
        out.why = "a file was missing on the runner";
        out.detail = *missing;
        return out;
    }
    if (!result.opened_listed) {
        out.why = "the runner listed no opened files";
        return out;
    }
    for (const auto& file : result.opened) {
        std::string path = lexical_absolute(cwd, file);
        if (!analysed.count(path)) out.unexpected.push_back(std::move(path));
    }
    if (!out.unexpected.empty()) {
        out.why = "opened a file the analysis did not list";
        out.detail = out.unexpected.front();
        return out;
    }
    out.proved = true;
    return out;
}

} // namespace ferry::coordinator
