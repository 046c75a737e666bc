#include "coordinator/file_store.hpp"

#include "coordinator/file_store_hidden_reads.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <sys/stat.h>

namespace ferry::coordinator {

namespace {

constexpr size_t kMaxFileSize = size_t(512) << 20; // protocol limit for a decompressed frame

} // namespace

FileStore::FileStore(std::function<int64_t()> now_ns) : m_cache(std::move(now_ns)) {}

Result<proto::FileEntry> FileStore::entry(const std::string& path, bool probed, Inode* inode,
                                          const StatSnapshot* taken) {
    Result<StatSnapshot> seen = taken ? Result<StatSnapshot>(*taken) : m_cache.stat(path);
    if (!seen) {
        Error e = seen.error();
        e.code = Errc::compile_locally;
        return e;
    }
    const struct stat& st = seen->st;
    if (!S_ISREG(st.st_mode))
        return make_error(Errc::compile_locally, "{} is not a regular file", path);
    if (inode)
        *inode = Inode{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                       static_cast<uint64_t>(st.st_nlink)};
    Cached cached;
    if (const Cached* hit = m_cache.find(path, seen->stamp)) {
        cached = *hit;
    } else {
        auto data = read_regular_file(path, kMaxFileSize);
        if (!data) {
            Error e = data.error();
            e.code = Errc::compile_locally;
            return e;
        }
        ++m_hashes_computed;
        cached.hash = hash_hex(*data);
        if (auto what = hidden_read(*data)) cached.hidden_read = *what;
        if (!m_uses.count(cached.hash)) {
            auto uses = coordinator::has_include_uses(*data); // the free function
            if (!uses.empty())
                m_uses.emplace(cached.hash,
                               std::make_shared<const HasIncludeUses>(std::move(uses)));
        }
        m_cache.store(path, *seen, cached);
    }
    if (!probed && !cached.hidden_read.empty())
        return make_error(Errc::compile_locally,
                          "{} contains {}: the compile reads a file the scan cannot list", path,
                          cached.hidden_read);
    return proto::FileEntry{path, cached.hash, seen->stamp.size, seen->stamp.mtime_ns};
}

const HasIncludeUses* FileStore::has_include_uses(const std::string& hash) const {
    auto it = m_uses.find(hash);
    return it == m_uses.end() ? nullptr : it->second.get();
}

Result<std::string> FileStore::blob(const std::string& path, const std::string& hash) {
    auto data = read_regular_file(path, kMaxFileSize);
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
