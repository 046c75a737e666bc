#include "remote/runner/file_cache.hpp"

#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ferry::runner {

// Read-only for everyone, and executable: a sandboxed job runs the compiler it shipped
// straight from the hard links of these entries (a header with an execute bit harms nothing).
static constexpr unsigned kEntryMode = 0555;

Result<FileCache> FileCache::open(const std::string& dir, uint64_t max_bytes) {
    FERRY_TRY_VOID(make_dirs(dir, 0700));
    std::string lock_path = dir + "/.lock";
    Fd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!lock) return errno_error("open " + lock_path, errno);
    if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0)
        return make_error(Errc::io, "cache directory {} is in use by another ferryd", dir);
    FileCache cache(dir, max_bytes, std::move(lock));

    // Index what a previous run left, oldest first so the LRU order roughly survives.
    struct Found {
        std::string hash;
        uint64_t size;
        timespec atime;
    };
    std::vector<Found> found;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            std::string name = e->d_name;
            std::string path = dir + "/" + name;
            struct stat st {};
            if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
            if (is_hash_hex(name))
                found.push_back({name, static_cast<uint64_t>(st.st_size), st.st_atim});
            else if (name != ".lock")
                ::unlink(path.c_str()); // a temporary file from an interrupted insert
        }
        ::closedir(d);
    }
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
        return a.atime.tv_sec != b.atime.tv_sec ? a.atime.tv_sec < b.atime.tv_sec
                                                : a.atime.tv_nsec < b.atime.tv_nsec;
    });
    for (auto& f : found)
        cache.remember(std::move(f.hash), f.size);
    cache.trim();
    return cache;
}

std::string FileCache::path_of(std::string_view hash) const {
    return m_dir + "/" + std::string(hash);
}

void FileCache::remember(std::string hash, uint64_t size) {
    if (auto it = m_index.find(hash); it != m_index.end()) {
        m_lru.splice(m_lru.begin(), m_lru, it->second);
        return;
    }
    m_lru.push_front({hash, size});
    m_index.emplace(std::move(hash), m_lru.begin());
    m_total += size;
}

std::optional<std::string> FileCache::lookup(std::string_view hash) {
    auto it = m_index.find(std::string(hash));
    if (it == m_index.end()) return std::nullopt;
    std::string path = path_of(hash);
    if (::access(path.c_str(), R_OK) != 0) { // removed behind our back
        m_total -= it->second->size;
        m_lru.erase(it->second);
        m_index.erase(it);
        return std::nullopt;
    }
    m_lru.splice(m_lru.begin(), m_lru, it->second);
    return path;
}

std::optional<std::string> FileCache::indexed(std::string_view hash) {
    auto it = m_index.find(std::string(hash));
    if (it == m_index.end()) return std::nullopt;
    m_lru.splice(m_lru.begin(), m_lru, it->second);
    return path_of(hash);
}

Result<std::string> FileCache::insert(std::string_view hash, std::string_view data,
                                      int64_t mtime_ns) {
    std::string path = path_of(hash);
    if (m_index.count(std::string(hash)) && ::access(path.c_str(), R_OK) == 0) {
        remember(std::string(hash), data.size());
        return path;
    }
    FERRY_TRY(stored, store(m_dir, hash, data, mtime_ns));
    remember(std::string(hash), data.size());
    return std::move(*stored);
}

Result<std::string> FileCache::store(const std::string& dir, std::string_view hash,
                                     std::string_view data, int64_t mtime_ns) {
    // Read-only, so a compile that names a shipped file as its output fails instead of
    // corrupting the entry every other job links to.
    // Written under a name that is not a hash (removed at start-up if left behind), given its
    // mtime, then renamed: no job can link the entry before its mtime is final. The name is
    // unique to this call: a worker and the loop may store the same content at once.
    static std::atomic<uint64_t> serial{0};
    const std::string path = dir + "/" + std::string(hash);
    const std::string fresh = fmt::format("{}.new-{}-{}", path, ::getpid(), serial++);
    FERRY_TRY_VOID(write_file_atomic(fresh, data, kEntryMode));
    int64_t sec = mtime_ns / 1000000000, rem = mtime_ns % 1000000000;
    if (rem < 0) --sec, rem += 1000000000;
    const timespec times[2] = {{0, UTIME_NOW}, {time_t(sec), long(rem)}};
    if (::utimensat(AT_FDCWD, fresh.c_str(), times, 0) != 0 ||
        ::rename(fresh.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(fresh.c_str());
        return errno_error("storing " + path, err);
    }
    return path;
}

void FileCache::evict_oldest() {
    const Entry& victim = m_lru.back();
    ::unlink(path_of(victim.hash).c_str());
    m_total -= victim.size;
    m_index.erase(victim.hash);
    m_lru.pop_back();
}

void FileCache::trim() {
    while (m_total > m_max && !m_lru.empty())
        evict_oldest();
}

void FileCache::clear() {
    while (!m_lru.empty())
        evict_oldest();
    ::unlink((m_dir + "/.lock").c_str());
}

} // namespace ferry::runner
