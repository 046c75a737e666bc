#include "coordinator/file_store.hpp"

#include "coordinator/file_store_hidden_reads.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <cerrno>
#include <ctime>
#include <sys/stat.h>

namespace ferry::coordinator {

namespace {

// Writes closer than this to "now" may not have moved the mtime yet.
constexpr int64_t kRacyWindowNs = int64_t(2) * 1000 * 1000 * 1000;
constexpr size_t kMaxFileSize = size_t(512) << 20; // protocol limit for a decompressed frame

int64_t realtime_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

} // namespace

FileStore::FileStore(std::function<int64_t()> now_ns)
    : m_now_ns(now_ns ? std::move(now_ns) : std::function<int64_t()>(realtime_ns)) {}

Result<proto::FileEntry> FileStore::entry(const std::string& path, bool probed, Inode* inode) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        Error e = errno_error(fmt::format("stat {}", path), errno);
        e.code = Errc::compile_locally;
        return e;
    }
    if (!S_ISREG(st.st_mode))
        return make_error(Errc::compile_locally, "{} is not a regular file", path);
    if (inode)
        *inode = Inode{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                       static_cast<uint64_t>(st.st_nlink)};
    Stamp stamp{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                static_cast<uint64_t>(st.st_size),
                int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
    Cached cached;
    if (auto it = m_cache.find(path); it != m_cache.end() && it->second.stamp == stamp) {
        cached = it->second;
    } else {
        if (it != m_cache.end()) m_cache.erase(it);
        auto data = read_file(path, kMaxFileSize);
        if (!data) {
            Error e = data.error();
            e.code = Errc::compile_locally;
            return e;
        }
        ++m_hashes_computed;
        cached.stamp = stamp;
        cached.hash = hash_hex(*data);
        if (auto what = hidden_read(*data)) cached.hidden_read = *what;
        if (!m_uses.count(cached.hash)) {
            auto uses = coordinator::has_include_uses(*data); // the free function
            if (!uses.empty())
                m_uses.emplace(cached.hash,
                               std::make_shared<const HasIncludeUses>(std::move(uses)));
        }
        if (stamp.mtime_ns < m_now_ns() - kRacyWindowNs) m_cache[path] = cached;
    }
    if (!probed && !cached.hidden_read.empty())
        return make_error(Errc::compile_locally,
                          "{} contains {}: the compile reads a file the scan cannot list", path,
                          cached.hidden_read);
    return proto::FileEntry{path, cached.hash, stamp.size, stamp.mtime_ns};
}

const HasIncludeUses* FileStore::has_include_uses(const std::string& hash) const {
    auto it = m_uses.find(hash);
    return it == m_uses.end() ? nullptr : it->second.get();
}

Result<std::string> FileStore::blob(const std::string& path, const std::string& hash) {
    auto data = read_file(path, kMaxFileSize);
    if (!data) {
        Error e = data.error();
        e.code = Errc::compile_locally;
        return e;
    }
    if (hash_hex(*data) != hash) {
        m_cache.erase(path);
        return make_error(Errc::compile_locally, "{} changed during the build", path);
    }
    return data;
}

} // namespace ferry::coordinator
