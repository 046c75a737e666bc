#include "coordinator/include_proof.hpp"

#include "coordinator/include_shadow_verdict.hpp"
#include "coordinator/runner_fault.hpp"

#include <algorithm>

namespace ferry::coordinator {

ProofFiles proof_files(const std::vector<std::string>& files, std::string_view cwd) {
    ProofFiles out;
    for (const auto& file : files)
        out.insert(lexical_absolute(cwd, file));
    return out;
}

namespace {

bool under(std::string_view path, std::string_view dir) {
    return path.size() > dir.size() && path.starts_with(dir) &&
           (dir.ends_with('/') || path[dir.size()] == '/');
}

// The compiler's own data file, outside every directory an #include searches.
bool compiler_data(const std::string& path, const std::vector<proto::FileEntry>& compiler_files,
                   const std::vector<std::string>& search_dirs) {
    bool ours = std::any_of(compiler_files.begin(), compiler_files.end(),
                            [&](const proto::FileEntry& f) { return f.path == path; });
    return ours && std::none_of(search_dirs.begin(), search_dirs.end(),
                                [&](const std::string& dir) { return under(path, dir); });
}

} // namespace

std::string partial_proof_problem(size_t has_include_files,
                                  const std::vector<std::string>& searched,
                                  const std::vector<proto::FileEntry>& shipped,
                                  const std::vector<proto::FileEntry>& compiler_files) {
    if (has_include_files > 0) return "-MMD with files only a __has_include names";
    std::unordered_set<std::string> listed;
    for (const auto& file : shipped)
        listed.insert(file.path);
    for (const auto& file : compiler_files) {
        if (listed.count(file.path)) continue;
        for (const auto& dir : searched)
            if (under(file.path, dir)) return "-MMD with compiler files in a searched directory";
    }
    return "";
}

ProofVerdict check_proof(const ProofBasis& basis,
                         const std::vector<proto::FileEntry>& compiler_files,
                         const proto::JobResult& result, std::string_view cwd) {
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
        if (!basis.files.count(path) && !compiler_data(path, compiler_files, basis.search_dirs))
            out.unexpected.push_back(std::move(path));
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
