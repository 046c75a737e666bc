// How long each unit's last remote compile took, by the unit's identity (compiler, directory,
// command line: unit_cost_key), so the scheduler can place long jobs where they finish first
// and notice a job that runs far longer than it should (scheduler.hpp, the tail race).
//
// Bounded by entries (least recently used out) and saved to a small file next to the
// coordinator's socket, so a fresh coordinator's first build benefits from the last build.
// The file is a hint, never trusted: it is read whole within a size limit, and anything
// malformed (a bad header, a key that is not a hash, a time out of range, too many lines)
// throws the whole file away. A time only ever orders jobs and delays a backup compile; it
// cannot change what is compiled or where an answer comes from.
#pragma once

#include "ipc/messages.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

namespace ferry::coordinator {

// A unit's identity: a hash of its compiler path, working directory and arguments.
std::string unit_cost_key(const proto::IpcCompile& request);

class CostMemory {
  public:
    static constexpr uint32_t kMaxMs = 3600 * 1000; // longer is a stuck job, not a cost
    static constexpr size_t kMaxFileBytes = 2u << 20;

    explicit CostMemory(size_t max_entries) : m_max_entries(max_entries) {}

    // Remembers the last compile time of `key` (clamped to 1..kMaxMs); the oldest entry goes
    // when the memory is full.
    void put(const std::string& key, uint64_t ms);
    std::optional<uint32_t> get(const std::string& key) const;
    size_t size() const { return m_index.size(); }
    // Changed since the last save or load.
    bool dirty() const { return m_dirty; }

    // Replaces the memory with the file's entries; an error leaves it empty and says why.
    Result<void> load(const std::string& path);
    // Written atomically (a temporary file renamed over the old one).
    Result<void> save(const std::string& path);

  private:
    struct Entry {
        std::string key;
        uint32_t ms = 0;
    };
    void push_back(const std::string& key, uint32_t ms);
    void clear();

    size_t m_max_entries;
    std::list<Entry> m_lru; // most recently put first
    std::unordered_map<std::string, std::list<Entry>::iterator> m_index;
    bool m_dirty = false;
};

} // namespace ferry::coordinator
