#include "client/scan_files.hpp"

#include "util/fs.hpp"

#include <sys/stat.h>
#include <unordered_set>

namespace ferry::client {

std::string join_to_cwd(std::string_view cwd, std::string_view path) {
    std::string joined = join_path(cwd, path);
    std::string out;
    out.reserve(joined.size());
    size_t i = 0;
    while (i < joined.size()) {
        size_t j = joined.find('/', i);
        if (j == std::string::npos) j = joined.size();
        std::string_view part(joined.data() + i, j - i);
        if (i == 0 && part.empty())
            out = "/"; // the leading slash of an absolute path
        else if (!part.empty() && part != ".") {
            if (!out.empty() && out.back() != '/') out += '/';
            out += part;
        }
        i = j + 1;
    }
    if (out.empty()) out = ".";
    return out;
}

bool reads_stdc_predef(compiler::Family family, const std::vector<std::string>& args) {
    if (family != compiler::Family::gcc) return false;
    for (const auto& arg : args)
        if (arg == "-nostdinc" || arg == "-ffreestanding") return false;
    return true;
}

bool regular_file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<std::string> files_to_ship(std::string_view source, const compiler::ScanResult& scan,
                                       std::string_view cwd, bool with_stdc_predef,
                                       const FileExists& exists) {
    std::vector<std::string> files;
    std::unordered_set<std::string> seen;
    auto add = [&](std::string path) {
        if (seen.insert(path).second) files.push_back(std::move(path));
    };
    add(join_to_cwd(cwd, source));
    for (const auto& header : scan.headers)
        add(join_to_cwd(cwd, header));
    if (with_stdc_predef) {
        for (const auto& dir : scan.angle_dirs) {
            std::string candidate = join_to_cwd(cwd, join_path(dir, "stdc-predef.h"));
            if (exists(candidate)) {
                add(std::move(candidate));
                break;
            }
        }
    }
    return files;
}

} // namespace ferry::client
