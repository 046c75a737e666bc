#include "coordinator/dir_links.hpp"

#include <climits>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::coordinator {
namespace {

struct DirCloser {
    void operator()(DIR* d) const { ::closedir(d); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

std::vector<DirLink> list_links(DIR* dir) {
    std::vector<DirLink> links;
    const int fd = ::dirfd(dir);
    while (dirent* e = ::readdir(dir)) {
        if (e->d_type != DT_LNK && e->d_type != DT_UNKNOWN) continue;
        char buf[PATH_MAX];
        ssize_t n = ::readlinkat(fd, e->d_name, buf, sizeof buf);
        if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) continue; // not a link, or gone
        links.push_back({e->d_name, std::string(buf, static_cast<size_t>(n))});
    }
    return links;
}

} // namespace

const std::vector<DirLink>& DirLinks::links_in(const std::string& dir) {
    DirHandle handle(::opendir(dir.c_str()));
    if (!handle) return m_none;
    struct stat st {};
    // The listing's identity comes from the open directory, so a rename between the stat
    // and the read cannot pair one directory's mtime with another's entries.
    if (::fstat(::dirfd(handle.get()), &st) != 0) return m_none;
    auto it = m_dirs.find(dir);
    if (it != m_dirs.end() && !it->second.racy && it->second.mtime_sec == st.st_mtim.tv_sec &&
        it->second.mtime_nsec == st.st_mtim.tv_nsec && it->second.dev == st.st_dev &&
        it->second.ino == st.st_ino)
        return it->second.links;
    if (it == m_dirs.end() && m_dirs.size() >= kMaxDirs) m_dirs.clear();
    Listing& listing = m_dirs[dir];
    listing = {st.st_mtim.tv_sec, st.st_mtim.tv_nsec,       st.st_dev,
               st.st_ino,         list_links(handle.get()), false};
    // Timestamps are coarser than a nanosecond (a kernel tick): a link made in the same tick
    // after this listing would leave the mtime unchanged. Like git's racy index entries, a
    // listing of a directory changed in the last two seconds is not trusted next time.
    listing.racy = st.st_mtim.tv_sec + 2 >= ::time(nullptr);
    return listing.links;
}

} // namespace ferry::coordinator
