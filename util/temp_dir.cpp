#include "util/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace ferry {

Result<TempDir> TempDir::create(const std::string& parent, std::string_view prefix) {
    std::string templ = parent + "/" + std::string(prefix) + "XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) return errno_error("mkdtemp " + templ, errno);
    return TempDir(std::string(buf.data()));
}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
    if (this != &other) {
        remove();
        m_path = std::exchange(other.m_path, {});
    }
    return *this;
}

bool remove_tree(const std::string& path) noexcept {
    std::error_code ec;
    // A compiler may leave read-only files or directories, and overlayfs leaves its work
    // directory with no permissions at all: make directories writable first.
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

void TempDir::remove() noexcept {
    if (m_path.empty()) return;
    remove_tree(m_path);
    m_path.clear();
}

} // namespace ferry
