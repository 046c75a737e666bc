#include "remote/runner/mirror_pool.hpp"

#include "util/fs.hpp"

namespace ferry::runner {

// The directory renamed from `from`* to `to`* (the rest of its name stays: still unique).
static Result<void> rename_prefix(TempDir& dir, std::string_view from, std::string_view to) {
    const std::string name = basename(dir.path());
    if (name.compare(0, from.size(), from) != 0)
        return make_error(Errc::invalid, "'{}' is not named {}*", dir.path(), from);
    return dir.move_to(dirname(dir.path()) + "/" + std::string(to) + name.substr(from.size()));
}

std::vector<PooledMirror> MirrorPool::give(PooledMirror mirror) {
    std::vector<PooledMirror> gone;
    if (m_capacity == 0 || !rename_prefix(mirror.dir, kJobDirPrefix, kPooledDirPrefix)) {
        gone.push_back(std::move(mirror));
        return gone;
    }
    m_mirrors.push_back(std::move(mirror));
    while (m_mirrors.size() > m_capacity) {
        gone.push_back(std::move(m_mirrors.front()));
        m_mirrors.pop_front();
    }
    return gone;
}

std::optional<PooledMirror> MirrorPool::take(uint64_t connection_id) {
    for (auto it = m_mirrors.rbegin(); it != m_mirrors.rend(); ++it) {
        if (it->connection_id != connection_id) continue;
        PooledMirror found = std::move(*it);
        m_mirrors.erase(std::next(it).base());
        // Under its kept name, it is still a job's directory: only the name would be wrong.
        (void)rename_prefix(found.dir, kPooledDirPrefix, kJobDirPrefix);
        return found;
    }
    return std::nullopt;
}

std::vector<PooledMirror> MirrorPool::drop(uint64_t connection_id) {
    std::vector<PooledMirror> gone;
    for (auto it = m_mirrors.begin(); it != m_mirrors.end();) {
        if (it->connection_id == connection_id) {
            gone.push_back(std::move(*it));
            it = m_mirrors.erase(it);
        } else {
            ++it;
        }
    }
    return gone;
}

} // namespace ferry::runner
