// The coordinator's memory of the last compile request each unit made, keyed by the
// wrapper's memo key (everything about a compile but its scan). A wrapper asks for it
// before it scans, starts that request remotely at once, and keeps the result only if its
// scan ends in exactly the same request: the scan's latency is hidden on every rebuild of a
// unit, and a changed header list costs a discarded remote compile, never a wrong object.
//
// Bounded by bytes (the encoded requests: a C++ unit lists a few hundred headers), least
// recently used first out; it lives and dies with the coordinator.
#pragma once

#include "ipc/messages.hpp"

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

namespace ferry::coordinator {

class ScanMemo {
  public:
    explicit ScanMemo(size_t max_bytes) : m_max_bytes(max_bytes) {}

    // Remembers `request` under `key` (replacing what was there), then evicts the least
    // recently used entries until the memo fits. A request larger than the whole budget is
    // not kept.
    void put(const std::string& key, const proto::IpcCompile& request);
    // The request last put under `key`; counts as a use.
    std::optional<proto::IpcCompile> get(const std::string& key);

    size_t bytes() const { return m_bytes; }
    size_t size() const { return m_index.size(); }

  private:
    struct Entry {
        std::string key;
        std::string encoded; // proto::encode(IpcCompile): compact, and what `bytes` counts
    };
    void erase(std::list<Entry>::iterator it);

    size_t m_max_bytes;
    size_t m_bytes = 0;
    std::list<Entry> m_lru; // most recently used first
    std::unordered_map<std::string, std::list<Entry>::iterator> m_index;
};

} // namespace ferry::coordinator
