#include "coordinator/include_shadow_verdict.hpp"

#include <fmt/format.h>
#include <unordered_set>

namespace ferry::coordinator {

std::string lexical_absolute(std::string_view cwd, std::string_view path) {
    std::string joined =
        path.starts_with('/') ? std::string(path) : std::string(cwd) + "/" + std::string(path);
    std::string out;
    size_t i = 0;
    while (i < joined.size()) {
        size_t slash = joined.find('/', i);
        if (slash == std::string::npos) slash = joined.size();
        std::string_view part(joined.data() + i, slash - i);
        if (!part.empty() && part != ".") {
            out += '/';
            out += part;
        }
        i = slash + 1;
    }
    return out.empty() ? "/" : out;
}

ShadowComparison compare_with_scan(const std::vector<std::string>& scan_files,
                                   const includes::Analysis& analysis, std::string_view cwd) {
    ShadowComparison out;
    std::unordered_set<std::string> ours;
    for (const auto& file : analysis.files)
        ours.insert(lexical_absolute(cwd, file));
    std::unordered_set<std::string> theirs;
    for (const auto& file : scan_files) {
        std::string path = lexical_absolute(cwd, file);
        if (!theirs.insert(path).second) continue;
        if (!ours.count(path)) out.missing.push_back(std::move(path));
    }
    for (const auto& path : ours)
        out.extra += theirs.count(path) ? 0 : 1;
    for (const auto& problem : analysis.problems)
        if (problem.refuse) {
            out.refused_because =
                fmt::format("{}:{}: {}", problem.file, problem.line, problem.what);
            break;
        }
    if (!out.refused_because.empty())
        out.verdict = ShadowVerdict::refused;
    else if (!out.missing.empty())
        out.verdict = ShadowVerdict::missed;
    return out;
}

const char* verdict_name(ShadowVerdict verdict) {
    switch (verdict) {
    case ShadowVerdict::superset:
        return "superset";
    case ShadowVerdict::missed:
        return "missed";
    case ShadowVerdict::refused:
        return "refused";
    }
    return "?";
}

} // namespace ferry::coordinator
