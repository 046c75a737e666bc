// The client's files as the runners see them: content hashes for the JobRequest manifest and
// blobs for NeedFiles. A build ships the same headers with every job, so a hash is cached
// by path and reused while the file's stat stamp is unchanged; a file modified in the last
// few seconds is never cached (util/stat_cache.hpp: the rules, racy files included).
// Reading a file to hash it is also where its content is checked for files the compile
// would read behind the scan's back (file_store_hidden_reads.hpp); the verdict is cached
// with the hash, so a header shipped by every job is read and checked once. So is what it
// asks about with __has_include (file_store_has_include.hpp), kept by content hash.
#pragma once

#include "coordinator/file_store_has_include.hpp"
#include "remote/protocol/messages.hpp"
#include "util/result.hpp"
#include "util/stat_cache.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ferry::coordinator {

// Which file a path is, as the kernel sees it: two paths with one inode are hard links.
struct Inode {
    uint64_t dev = 0;
    uint64_t ino = 0;
    uint64_t nlink = 0;
};

class FileStore {
  public:
    // `now_ns` is the wall clock (CLOCK_REALTIME, the clock of file mtimes); tests replace it.
    explicit FileStore(std::function<int64_t()> now_ns = {});

    // Hash and size of `path`. Errc::compile_locally if it cannot be read, or if it makes
    // the compile read files the scan does not list (.incbin, #embed...).
    // `probed`: a file the compile only asks about (__has_include) and never opens, whose
    // content therefore makes it read nothing. `seen`: what stat(2) of `path` said just now,
    // taken with clock()'s time read first (the manifest's own walk of the path,
    // PhysicalPath::seen); without it, entry() stats the file itself.
    Result<proto::FileEntry> entry(const std::string& path, bool probed = false,
                                   Inode* inode = nullptr, const StatSnapshot* seen = nullptr);
    const std::function<int64_t()>& clock() const { return m_cache.clock(); }
    // What the file with this content hash (from entry()) asks about with __has_include and
    // its wrappers; nullptr if nothing.
    const HasIncludeUses* has_include_uses(const std::string& hash) const;
    // The content of `path`, checked against `hash`: a file that changed since the manifest
    // was made is an error (the job must then compile locally).
    Result<std::string> blob(const std::string& path, const std::string& hash);

    size_t hashes_computed() const { return m_hashes_computed; }
    size_t cached() const { return m_cache.size(); }

  private:
    struct Cached {
        std::string hash;
        std::string_view hidden_read; // what hidden_read() found (a literal), or empty
    };

    StatCache<Cached> m_cache;
    // By content hash: only contents that use __has_include or call something literally.
    std::unordered_map<std::string, std::shared_ptr<const HasIncludeUses>> m_uses;
    size_t m_hashes_computed = 0;
};

} // namespace ferry::coordinator
