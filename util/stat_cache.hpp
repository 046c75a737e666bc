// A value computed from a file (a content hash, a compiler's identity), kept while stat(2)
// says the file is the same file with the same content: same device and inode, size, mtime
// and ctime, to the nanosecond. A rename over the path changes the inode; a write changes
// mtime; putting an old mtime back (touch -d, tar, cp -p) changes ctime.
//
// The racy case (git's "racily clean" entries, ccache's "too new" files): a file written
// again within its file system's timestamp granularity can keep its stamp while its content
// changes. So a value is stored only if the file's mtime and ctime are both older than the
// moment it was read minus kRacyWindowNs (2 s: FAT's granularity, coarser than any other
// file system ferry meets); a newer file is computed again on every lookup until it has
// aged. "The moment it was read" is the clock read before the stat (stat() below), so a
// write landing after the value was computed always has a later timestamp than the one
// stored. A file whose stamp is in the future (clock skew, NFS) is never stored.
//
// Not thread-safe: a cache shared by threads holds its own lock around find() and store().
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <sys/stat.h>
#include <unordered_map>

namespace ferry {

struct StatStamp {
    uint64_t dev = 0;
    uint64_t ino = 0;
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    int64_t ctime_ns = 0;
    bool operator==(const StatStamp&) const = default;
};

StatStamp stat_stamp(const struct stat& st);

inline constexpr int64_t kRacyWindowNs = int64_t(2) * 1000 * 1000 * 1000;

// What stat() saw, and when: `taken_ns` is the clock read just before the stat.
struct StatSnapshot {
    struct stat st {};
    StatStamp stamp;
    int64_t taken_ns = 0;
};

// stat(2) of `path` (following symbolic links) with the clock `now_ns` read first.
// errno_error("stat PATH") on failure.
Result<StatSnapshot> stat_snapshot(const std::string& path, int64_t now_ns);
// True if a file with this stamp may still change without its stamp changing.
bool stamp_is_racy(const StatStamp& stamp, int64_t taken_ns);
// CLOCK_REALTIME in nanoseconds: the clock file timestamps are set from.
int64_t realtime_ns();

template <typename Value> class StatCache {
  public:
    using Clock = std::function<int64_t()>;
    // `now_ns`: the wall clock (realtime_ns); tests replace it.
    explicit StatCache(Clock now_ns = {})
        : m_now_ns(now_ns ? std::move(now_ns) : Clock(realtime_ns)) {}

    Result<StatSnapshot> stat(const std::string& path) const {
        return stat_snapshot(path, m_now_ns());
    }
    // The clock stat() reads: a snapshot taken elsewhere with it may be handed to find()
    // and store() in place of stat()'s.
    const Clock& clock() const { return m_now_ns; }
    // The value stored under `key` if it was computed from a file with this stamp; a stale
    // entry is dropped. The pointer is valid until the next store() or erase().
    const Value* find(const std::string& key, const StatStamp& stamp) {
        auto it = m_entries.find(key);
        if (it == m_entries.end()) return nullptr;
        if (it->second.stamp == stamp) return &it->second.value;
        m_entries.erase(it);
        return nullptr;
    }
    // Stores `value`, computed from the file `seen` describes (read after `seen` was taken),
    // unless that file is too new to trust (then any older entry is dropped). Returns
    // whether it was stored.
    bool store(const std::string& key, const StatSnapshot& seen, Value value) {
        if (stamp_is_racy(seen.stamp, seen.taken_ns)) {
            m_entries.erase(key);
            return false;
        }
        m_entries.insert_or_assign(key, Entry{seen.stamp, std::move(value)});
        return true;
    }
    void erase(const std::string& key) { m_entries.erase(key); }
    size_t size() const { return m_entries.size(); }

  private:
    struct Entry {
        StatStamp stamp;
        Value value;
    };
    Clock m_now_ns;
    std::unordered_map<std::string, Entry> m_entries;
};

} // namespace ferry
