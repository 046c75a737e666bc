#include "compiler/scan.hpp"

#include "util/fs.hpp"

#include <unordered_set>

namespace ferry::compiler {
namespace {

constexpr std::string_view kQuoteStart = "#include \"...\" search starts here:";
constexpr std::string_view kAngleStart = "#include <...> search starts here:";
constexpr std::string_view kSearchEnd = "End of search list.";
// gcc's -H epilogue: paths without dots that are not files read a second time.
constexpr std::string_view kGuards = "Multiple include guards may be useful for:";
constexpr std::string_view kFramework = " (framework directory)";
constexpr std::string_view kMissing = "ignoring nonexistent directory \"";

// "... path" -> "path"; "" for lines that are not -H lines.
std::string_view header_of(std::string_view line) {
    size_t dots = 0;
    while (dots < line.size() && line[dots] == '.')
        ++dots;
    if (dots == 0 || dots + 1 >= line.size() || line[dots] != ' ') return {};
    return line.substr(dots + 1);
}

} // namespace

ScanResult parse_scan_output(std::string_view text) {
    ScanResult result;
    std::unordered_set<std::string> seen;
    enum class Section { none, quote, angle, guards } section = Section::none;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

        if (line.starts_with(kMissing) && line.ends_with('"')) {
            line.remove_prefix(kMissing.size());
            result.missing_dirs.emplace_back(line.substr(0, line.size() - 1));
            continue;
        }
        if (line == kQuoteStart) {
            section = Section::quote;
            continue;
        }
        if (line == kAngleStart) {
            section = Section::angle;
            continue;
        }
        if (section == Section::quote || section == Section::angle) {
            if (line == kSearchEnd) {
                section = Section::none;
                continue;
            }
            if (line.size() > 1 && line[0] == ' ') {
                std::string_view dir = line.substr(1);
                if (dir.ends_with(kFramework)) dir.remove_suffix(kFramework.size());
                (section == Section::quote ? result.quote_dirs : result.angle_dirs)
                    .emplace_back(dir);
            }
            continue;
        }
        if (line == kGuards) {
            // Everything after it in one compilation is the guard list or the driver's
            // epilogue (COMPILER_PATH=...); -H lines all come before it.
            section = Section::guards;
            continue;
        }
        if (section == Section::guards) continue;
        auto header = header_of(line);
        if (!header.empty() && seen.emplace(header).second) result.headers.emplace_back(header);
    }
    return result;
}

std::vector<std::string> builtin_include_dirs(const ScanResult& scan,
                                              const std::vector<std::string>& user_dirs,
                                              std::string_view cwd) {
    std::unordered_set<std::string> user;
    for (const auto& dir : user_dirs)
        user.insert(absolute_path(cwd, dir));
    std::vector<std::string> builtin;
    for (const auto& dir : scan.angle_dirs)
        if (!user.contains(absolute_path(cwd, dir))) builtin.push_back(dir);
    return builtin;
}

} // namespace ferry::compiler
