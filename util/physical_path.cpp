#include "util/physical_path.hpp"

#include "util/fs.hpp"

#include <cerrno>
#include <deque>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry {

// Linux's own limit (MAXSYMLINKS): a walk that meets more links is a loop.
static constexpr int kMaxLinks = 40;

static std::string join(const std::vector<std::string>& parts) {
    if (parts.empty()) return "/";
    std::string out;
    for (const auto& p : parts)
        out += "/" + p;
    return out;
}

static void push_components(std::deque<std::string>& queue, std::string_view path) {
    auto parts = path_components(path);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
        queue.emplace_front(*it);
}

Result<PhysicalPath> resolve_physical(std::string_view path, std::string_view cwd,
                                      bool may_be_missing) {
    PhysicalPath out;
    std::vector<std::string> current; // physical components walked so far
    std::deque<std::string> pending;
    if (path.empty() || path[0] != '/')
        push_components(pending, absolute_path(cwd, path));
    else
        push_components(pending, path);
    int links = 0;
    while (!pending.empty()) {
        std::string part = std::move(pending.front());
        pending.pop_front();
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (!current.empty()) current.pop_back();
            continue;
        }
        current.push_back(part);
        const std::string here = join(current);
        struct stat st {};
        if (::lstat(here.c_str(), &st) != 0) {
            int err = errno;
            if (err == ENOENT && may_be_missing && pending.empty()) break;
            return errno_error("resolve " + std::string(path) + ": " + here, err);
        }
        if (!S_ISLNK(st.st_mode)) {
            if (!pending.empty() && !S_ISDIR(st.st_mode))
                return errno_error("resolve " + std::string(path) + ": " + here, ENOTDIR);
            continue;
        }
        if (++links > kMaxLinks)
            return make_error(Errc::invalid, "resolve {}: too many levels of symbolic links", path);
        std::string target(size_t(st.st_size > 0 ? st.st_size : 256) + 1, '\0');
        ssize_t n = ::readlink(here.c_str(), target.data(), target.size());
        if (n < 0) return errno_error("readlink " + here, errno);
        if (size_t(n) >= target.size())
            return make_error(Errc::io, "readlink {}: the link changed while read", here);
        target.resize(size_t(n));
        out.links.push_back({here, target});
        current.pop_back();
        if (!target.empty() && target[0] == '/') current.clear();
        push_components(pending, target);
    }
    out.path = join(current);
    return out;
}

} // namespace ferry
