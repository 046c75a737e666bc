#include "util/physical_path.hpp"

#include "util/fs.hpp"

#include <cerrno>
#include <deque>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry {

// Linux's own limit (MAXSYMLINKS): a walk that meets more links is a loop.
static constexpr int kMaxLinks = 40;

static void push_components(std::deque<std::string>& queue, std::string_view path) {
    auto parts = path_components(path);
    for (auto it = parts.rbegin(); it != parts.rend(); ++it)
        queue.emplace_front(*it);
}

ComponentMemo::ComponentMemo(Clock now_ns)
    : m_now_ns(now_ns ? std::move(now_ns) : Clock(realtime_ns)) {}

const ComponentMemo::Component& ComponentMemo::component(const std::string& physical) {
    auto [it, fresh] = m_seen.try_emplace(physical);
    if (!fresh) return it->second;
    Component& c = it->second;
    c.seen.taken_ns = m_now_ns(); // before the lstat: util/stat_cache.hpp's racy rule
    struct stat& st = c.seen.st;
    if (::lstat(physical.c_str(), &st) != 0) {
        c.error = errno;
        return c;
    }
    c.seen.stamp = stat_stamp(st);
    c.directory = S_ISDIR(st.st_mode);
    if (!S_ISLNK(st.st_mode)) return c;
    c.link = true;
    std::string target(size_t(st.st_size > 0 ? st.st_size : 256) + 1, '\0');
    ssize_t n = ::readlink(physical.c_str(), target.data(), target.size());
    if (n < 0 || size_t(n) >= target.size()) {
        c.error = n < 0 ? errno : EAGAIN; // gone, or changed while read: the walk says so
        return c;
    }
    target.resize(size_t(n));
    c.target = std::move(target);
    return c;
}

Result<PhysicalPath> resolve_physical(std::string_view path, std::string_view cwd,
                                      bool may_be_missing, ComponentMemo* memo) {
    ComponentMemo own; // one walk: what it sees once it needs once
    ComponentMemo& seen = memo ? *memo : own;
    PhysicalPath out;
    // The physical path walked so far ("" for "/"), and where each of its components starts:
    // a component is appended and dropped in place, never the whole path joined again.
    std::string here;
    std::vector<size_t> starts;
    std::deque<std::string> pending;
    if (path.empty() || path[0] != '/')
        push_components(pending, absolute_path(cwd, path));
    else
        push_components(pending, path);
    const ComponentMemo::Component* last = nullptr; // `here`'s own, while it is the walk's end
    int links = 0;
    while (!pending.empty()) {
        std::string part = std::move(pending.front());
        pending.pop_front();
        if (part.empty() || part == ".") continue;
        last = nullptr;
        if (part == "..") {
            if (!starts.empty()) {
                here.resize(starts.back());
                starts.pop_back();
            }
            continue;
        }
        starts.push_back(here.size());
        here += '/';
        here += part;
        const ComponentMemo::Component& c = seen.component(here);
        if (c.error != 0) {
            if (c.error == ENOENT && may_be_missing && pending.empty()) break;
            if (c.link && c.error == EAGAIN)
                return make_error(Errc::io, "readlink {}: the link changed while read", here);
            if (c.link) return errno_error("readlink " + here, c.error);
            return errno_error("resolve " + std::string(path) + ": " + here, c.error);
        }
        if (!c.link) {
            if (!pending.empty() && !c.directory)
                return errno_error("resolve " + std::string(path) + ": " + here, ENOTDIR);
            last = &c;
            continue;
        }
        if (++links > kMaxLinks)
            return make_error(Errc::invalid, "resolve {}: too many levels of symbolic links", path);
        const std::string& target = c.target;
        out.links.push_back({here, target});
        here.resize(starts.back());
        starts.pop_back();
        if (!target.empty() && target[0] == '/') {
            here.clear();
            starts.clear();
        }
        push_components(pending, target);
    }
    out.path = here.empty() ? std::string("/") : here;
    if (last) out.seen = last->seen;
    return out;
}

} // namespace ferry
