// Content-addressed store of the files clients ship (XXH3-128 hash -> file), so after a
// project's first job only manifests travel. Entries are read-only files named by their hash;
// jobs hard-link them into their mirror, which is what makes eviction safe: removing a cache
// entry never removes a file a running compile has open or is about to open. Least recently
// used entries go first once the total passes the size cap.
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ferry::runner {

class FileCache {
  public:
    // Creates `dir` if needed, takes an exclusive lock on it (two runners sharing one cache
    // would evict each other's files) and indexes the entries already there.
    static Result<FileCache> open(const std::string& dir, uint64_t max_bytes);

    // The entry's path, marking it recently used; nullopt if absent (an entry removed
    // behind our back is noticed and forgotten).
    std::optional<std::string> lookup(std::string_view hash);
    // The same from the index alone, without touching the disk: for a job's mirror, where
    // each of a few hundred files per job would cost an access(2), and whose worker notices
    // an entry gone when its link fails and asks the client for it (mirror.hpp, place_file).
    std::optional<std::string> indexed(std::string_view hash);
    // Stores `data` (whose hash the caller has checked) with modification time `mtime_ns` (a
    // client's, so that client's jobs can hard-link it: docs/sandbox.md) and returns its path.
    // An entry's mtime never changes once stored: jobs' links share it. The entry may be
    // evicted by the next trim(): link it where it is needed first.
    Result<std::string> insert(std::string_view hash, std::string_view data, int64_t mtime_ns);
    // The file part of insert, callable from any thread (a mirror worker reusing an installed
    // compiler's file): writes the entry into `dir` and returns its path, without indexing
    // it. The loop indexes it afterwards with adopt(); until then no trim() can remove it.
    static Result<std::string> store(const std::string& dir, std::string_view hash,
                                     std::string_view data, int64_t mtime_ns);
    // Indexes an entry store() wrote (marking it recently used).
    void adopt(std::string hash, uint64_t size) { remember(std::move(hash), size); }
    // Evicts least recently used entries until the total fits the cap.
    void trim();
    // Removes every entry (for a private cache at exit).
    void clear();

    uint64_t size_bytes() const { return m_total; }
    size_t entries() const { return m_index.size(); }
    const std::string& dir() const { return m_dir; }

  private:
    struct Entry {
        std::string hash;
        uint64_t size = 0;
    };
    FileCache(std::string dir, uint64_t max_bytes, Fd lock)
        : m_dir(std::move(dir)), m_max(max_bytes), m_lock(std::move(lock)) {}
    std::string path_of(std::string_view hash) const;
    void remember(std::string hash, uint64_t size);
    void evict_oldest();

    std::string m_dir;
    uint64_t m_max = 0;
    uint64_t m_total = 0;
    Fd m_lock;
    std::list<Entry> m_lru; // front: most recently used
    std::unordered_map<std::string, std::list<Entry>::iterator> m_index;
};

} // namespace ferry::runner
