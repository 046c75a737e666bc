#include "client/search_path_cache.hpp"

#include "util/fs.hpp"
#include "util/hash.hpp"

#include <algorithm>
#include <cstdlib>
#include <sys/stat.h>
#include <utility>

namespace ferry::client {
namespace {

// Variables that add to or move the include search lists of gcc or clang.
constexpr const char* kSearchEnv[] = {
    "GCC_EXEC_PREFIX",    "COMPILER_PATH",     "CPATH",   "C_INCLUDE_PATH",
    "CPLUS_INCLUDE_PATH", "OBJC_INCLUDE_PATH", "SDKROOT", "GCC_ROOT"};

bool is_dir(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

} // namespace

std::vector<std::string> shape_args(const std::vector<std::string>& args, std::string_view source,
                                    const std::vector<std::string>& outputs) {
    std::vector<std::string> shape;
    bool skip_value = false;
    for (const auto& arg : args) {
        // Macros never move a search directory, and Kbuild gives every file its own
        // -DKBUILD_MODNAME=...: without this no two kernel files would share an entry.
        if (std::exchange(skip_value, false)) continue;
        if (arg == "-D" || arg == "-U") {
            skip_value = true;
            continue;
        }
        if (arg.starts_with("-D") || arg.starts_with("-U")) continue;
        bool per_file = arg == source;
        for (const auto& out : outputs)
            per_file = per_file || arg == out || arg == "-o" + out;
        shape.push_back(per_file ? std::string("\x01") : arg);
    }
    return shape;
}

std::string search_shape_key(const SearchShape& shape) {
    struct stat st {};
    if (::stat(shape.compiler_path.c_str(), &st) != 0) return {};
    Hasher h;
    // Every field ends with a NUL, so no two different shapes hash the same bytes.
    auto field = [&h](std::string_view text) {
        h.update(text);
        h.update(std::string_view("\0", 1));
    };
    field("ferry search paths 2");
    field(shape.compiler_path);
    field(std::to_string(st.st_size));
    field(std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec));
    field(std::to_string(st.st_ino));
    field(shape.cwd);
    field(shape.language);
    for (const auto& arg : shape.args)
        field(arg);
    field("env");
    for (const char* name : kSearchEnv) {
        std::string prefix = std::string(name) + "=";
        auto it = std::find_if(shape.env.begin(), shape.env.end(),
                               [&](const std::string& kv) { return kv.starts_with(prefix); });
        field(it == shape.env.end() ? std::string("\x01") : *it);
    }
    return h.hex_digest();
}

std::optional<compiler::ScanResult>
load_search_paths(const std::string& dir, const std::string& key, std::string_view cwd) {
    if (key.empty()) return std::nullopt;
    auto text = read_file(join_path(dir, key), 1 << 20);
    if (!text) return std::nullopt;
    compiler::ScanResult lists;
    std::string_view rest = *text;
    while (!rest.empty()) {
        auto nl = rest.find('\n');
        if (nl == std::string_view::npos) return std::nullopt; // torn or foreign: rescan
        std::string_view line = rest.substr(0, nl);
        rest.remove_prefix(nl + 1);
        if (line.size() < 3 || line[1] != ' ') return std::nullopt;
        std::string path(line.substr(2));
        const std::string absolute = absolute_path(cwd, path);
        switch (line[0]) {
        case 'q':
        case 'a':
            if (!is_dir(absolute)) return std::nullopt;
            (line[0] == 'q' ? lists.quote_dirs : lists.angle_dirs).push_back(std::move(path));
            break;
        case 'm':
            if (exists(absolute)) return std::nullopt;
            lists.missing_dirs.push_back(std::move(path));
            break;
        default:
            return std::nullopt;
        }
    }
    if (lists.angle_dirs.empty()) return std::nullopt; // never a real compiler's answer
    return lists;
}

void store_search_paths(const std::string& dir, const std::string& key,
                        const compiler::ScanResult& scan) {
    if (key.empty() || scan.angle_dirs.empty()) return;
    std::string text;
    bool storable = true;
    auto add = [&](char kind, const std::vector<std::string>& dirs) {
        for (const auto& d : dirs) {
            storable = storable && d.find('\n') == std::string::npos;
            text += std::string{kind, ' '} + d + "\n";
        }
    };
    add('q', scan.quote_dirs);
    add('a', scan.angle_dirs);
    add('m', scan.missing_dirs);
    if (!storable) return; // a line-based entry cannot hold it; such a shape always rescans
    if (!make_dirs(dir, 0700)) return;
    (void)write_file_atomic(join_path(dir, key), text, 0600);
}

} // namespace ferry::client
