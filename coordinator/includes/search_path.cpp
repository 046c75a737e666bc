#include "coordinator/includes/search_path.hpp"

#include "util/fs.hpp"

#include <algorithm>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::includes {

bool RealFileSystem::is_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode);
}

std::optional<std::string> RealFileSystem::read(const std::string& path) {
    auto content = read_regular_file(path);
    if (!content) return std::nullopt;
    return std::move(*content);
}

std::optional<FileStamp> RealFileSystem::stamp(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return std::nullopt;
    FileStamp s;
    static_cast<StatStamp&>(s) = stat_stamp(st);
    s.settled = !stamp_is_racy(s, realtime_ns());
    return s;
}

bool RememberingFileSystem::is_file(const std::string& path) {
    return m_memo.kind(path) == PathMemo::Kind::other;
}

std::optional<std::string> RememberingFileSystem::read(const std::string& path) {
    return m_real.read(path);
}

std::optional<FileStamp> RememberingFileSystem::stamp(const std::string& path) {
    return m_real.stamp(path); // the content: a write changes no directory
}

std::string FileStamp::identity() const {
    return std::to_string(dev) + ":" + std::to_string(ino);
}

std::string FileStamp::key() const {
    return identity() + ":" + std::to_string(size) + ":" + std::to_string(mtime_ns) + ":" +
           std::to_string(ctime_ns);
}

std::string join_header_path(std::string_view dir, std::string_view name) {
    if (dir.empty()) return std::string(name);
    std::string out(dir);
    if (out.back() != '/') out += '/';
    out += name;
    return out;
}

namespace {

const std::string& chain_dir(const SearchLists& lists, size_t index) {
    return index < lists.quote_dirs.size() ? lists.quote_dirs[index]
                                           : lists.angle_dirs[index - lists.quote_dirs.size()];
}

bool probe(FileSystem& fs, const std::string& path, SearchResult& out) {
    if (fs.is_file(path)) {
        out.path = path;
        return true;
    }
    out.missing.push_back(path);
    return false;
}

void search_chain(FileSystem& fs, const SearchLists& lists, std::string_view name, size_t from,
                  SearchResult& out) {
    const size_t total = lists.quote_dirs.size() + lists.angle_dirs.size();
    for (size_t k = from; k < total; ++k)
        if (probe(fs, join_header_path(chain_dir(lists, k), name), out)) {
            out.found_in.index = static_cast<int>(k);
            return;
        }
}

} // namespace

SearchResult find_header(FileSystem& fs, const SearchLists& lists, std::string_view name,
                         bool angled, std::string_view includer_dir) {
    SearchResult out;
    if (!name.empty() && name[0] == '/') {
        probe(fs, std::string(name), out);
        return out;
    }
    if (!angled) {
        if (probe(fs, join_header_path(includer_dir, name), out)) {
            out.found_in.index = FoundIn::k_includer_dir;
            return out;
        }
        search_chain(fs, lists, name, 0, out);
        return out;
    }
    search_chain(fs, lists, name, lists.quote_dirs.size(), out);
    return out;
}

SearchResult find_next_header(FileSystem& fs, const SearchLists& lists, std::string_view name,
                              FoundIn current) {
    SearchResult out;
    if (!name.empty() && name[0] == '/') {
        probe(fs, std::string(name), out);
        return out;
    }
    // gcc: a file found next to its includer continues at the start of the chain (the
    // quote directories); callers handle a file found outside the chain (clang treats it
    // as a plain #include).
    size_t from = current.index >= 0 ? static_cast<size_t>(current.index) + 1 : 0;
    search_chain(fs, lists, name, from, out);
    return out;
}

} // namespace ferry::includes
