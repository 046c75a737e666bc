#include "util/path_memo.hpp"

#include <cerrno>
#include <sys/stat.h>

namespace ferry {
namespace {

// The path's lexical parent: the kernel resolves "a/b/../c.h" through a/b, so "a/b/.." is
// the directory that holds "c.h", spelled so that stat(2) walks the same links.
std::string parent_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

PathMemo::Kind kind_of(const struct stat& st) {
    return S_ISDIR(st.st_mode) ? PathMemo::Kind::directory : PathMemo::Kind::other;
}

} // namespace

PathMemo::PathMemo(Clock now_ns) : m_now_ns(now_ns ? std::move(now_ns) : Clock(realtime_ns)) {}

PathMemo::Kind PathMemo::kind(const std::string& path) {
    ++m_counters.lookups;
    if (m_answers.size() >= kMaxAnswers || m_dirs.size() >= kMaxAnswers) {
        m_answers.clear();
        m_dirs.clear();
    }
    if (auto it = m_answers.find(path); it != m_answers.end()) {
        const Dir* dir = vouching(*it->second.dir);
        if (dir && dir->generation == it->second.generation) {
            ++m_counters.remembered;
            return it->second.kind;
        }
        m_answers.erase(it);
    }
    return probe(path);
}

const PathMemo::Dir* PathMemo::vouching(DirSlot& slot) {
    const std::string& path = slot.first;
    Dir& dir = slot.second;
    if (dir.checked_pass != m_pass) {
        dir.checked_pass = m_pass;
        ++m_counters.dir_checks;
        auto seen = stat_snapshot(path, m_now_ns());
        const bool is_dir = seen && S_ISDIR(seen->st.st_mode);
        const StatStamp now = is_dir ? seen->stamp : StatStamp{};
        if (!(now == dir.stamp) || !is_dir) {
            dir.stamp = now;
            ++dir.generation;
        }
        dir.trusted = is_dir && !stamp_is_racy(now, seen->taken_ns);
    }
    return dir.trusted ? &dir : nullptr;
}

void PathMemo::remember(const std::string& path, Kind kind, DirSlot& dir) {
    m_answers.insert_or_assign(path, Answer{kind, &dir, dir.second.generation});
}

PathMemo::Kind PathMemo::probe(const std::string& path) {
    // The directory is checked before the name is looked up: a change between the two
    // gives the directory a stamp the next pass does not find, so the answer lapses.
    const std::string parent = parent_of(path);
    DirSlot& parent_slot = dir_slot(parent);
    const bool parent_trusted = parent != path && vouching(parent_slot) != nullptr;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (S_ISLNK(st.st_mode))
            return ::stat(path.c_str(), &st) == 0 ? kind_of(st) : Kind::missing;
        if (parent_trusted) remember(path, kind_of(st), parent_slot);
        return kind_of(st);
    }
    if (errno != ENOENT && errno != ENOTDIR) return Kind::missing; // as stat(2) would fail
    if (parent_trusted) {
        remember(path, Kind::missing, parent_slot);
        return Kind::missing;
    }
    if (parent == path || parent_slot.second.stamp.ino != 0) return Kind::missing; // too new
    // A directory above is missing ("bits/types.h" looked up in a directory without bits/):
    // the deepest one that exists vouches, if what is missing below it is missing indeed and
    // not a link to nowhere (whose target may appear with no directory of the path changing).
    std::string child = parent;
    for (;;) {
        const std::string above = parent_of(child);
        if (above == child) break;
        DirSlot& above_slot = dir_slot(above);
        if (vouching(above_slot)) {
            if (::lstat(child.c_str(), &st) != 0 && errno == ENOENT)
                remember(path, Kind::missing, above_slot);
            break;
        }
        if (above_slot.second.stamp.ino != 0) break; // there, but changed too recently to vouch
        child = above;
    }
    return Kind::missing;
}

} // namespace ferry
