#include "util/temp_dir.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ferry {

Result<TempDir> TempDir::create(const std::string& parent, std::string_view prefix) {
    std::string templ = parent + "/" + std::string(prefix) + "XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) return errno_error("mkdtemp " + templ, errno);
    return TempDir(std::string(buf.data()));
}

Result<void> TempDir::move_to(std::string path) {
    if (::rename(m_path.c_str(), path.c_str()) != 0)
        return errno_error("rename " + m_path + " to " + path, errno);
    m_path = std::move(path);
    return ok();
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
    if (this != &other) {
        remove();
        m_path = std::exchange(other.m_path, {});
    }
    return *this;
}

namespace {

// Empties the directory open at `dir` (and closes it), one entry at a time relative to its
// parent's descriptor: each step costs the same at any depth, where a walk by full paths
// resolves every component again (a hostile 12,000-directory mirror 300 levels deep took
// seconds to remove under load, and ferryd's exit waited for it). Never follows a link.
bool remove_contents(int dir) noexcept {
    DIR* d = ::fdopendir(dir);
    if (!d) {
        ::close(dir);
        return false;
    }
    bool removed = true;
    while (const dirent* e = ::readdir(d)) {
        const char* name = e->d_name;
        if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0) continue;
        if (::unlinkat(::dirfd(d), name, 0) == 0 || errno == ENOENT) continue;
        if (errno != EISDIR && errno != EPERM) {
            removed = false;
            continue;
        }
        // A compiler may leave read-only directories, and overlayfs leaves its work
        // directory with no permissions at all.
        ::fchmodat(::dirfd(d), name, 0700, 0);
        int sub = ::openat(::dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0 || !remove_contents(sub) || ::unlinkat(::dirfd(d), name, AT_REMOVEDIR) != 0)
            removed = false;
    }
    ::closedir(d);
    return removed;
}

// The same by paths, for what the descriptor walk could not do (a tree deeper than the
// descriptors a process may hold).
bool remove_by_paths(const std::string& path) noexcept {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(
             path, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_directory(ec) && !it->is_symlink(ec))
            std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                         std::filesystem::perm_options::add, ec);
    }
    ec.clear();
    std::filesystem::remove_all(path, ec);
    return !ec;
}

} // namespace

bool remove_tree(const std::string& path) noexcept {
    if (::unlink(path.c_str()) == 0 || errno == ENOENT) return true; // not a directory
    ::chmod(path.c_str(), 0700);
    int dir = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir >= 0 && remove_contents(dir) && ::rmdir(path.c_str()) == 0) return true;
    return remove_by_paths(path);
}

void TempDir::remove() noexcept {
    if (m_path.empty()) return;
    remove_tree(m_path);
    m_path.clear();
}

} // namespace ferry
