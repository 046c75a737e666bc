#include "coordinator/scan_memo.hpp"

namespace ferry::coordinator {

void ScanMemo::erase(std::list<Entry>::iterator it) {
    m_bytes -= it->key.size() + it->encoded.size();
    m_index.erase(it->key);
    m_lru.erase(it);
}

void ScanMemo::put(const std::string& key, const proto::IpcCompile& request) {
    if (auto found = m_index.find(key); found != m_index.end()) erase(found->second);
    std::string encoded = proto::encode(request);
    const size_t cost = key.size() + encoded.size();
    if (cost > m_max_bytes) return;
    m_lru.push_front(Entry{key, std::move(encoded)});
    m_index.emplace(key, m_lru.begin());
    m_bytes += cost;
    while (m_bytes > m_max_bytes)
        erase(std::prev(m_lru.end()));
}

std::optional<proto::IpcCompile> ScanMemo::get(const std::string& key) {
    auto found = m_index.find(key);
    if (found == m_index.end()) return std::nullopt;
    m_lru.splice(m_lru.begin(), m_lru, found->second);
    proto::IpcCompile request;
    // Encoded by us a moment ago: decoding cannot fail short of memory corruption.
    if (!proto::decode(found->second->encoded, request)) return std::nullopt;
    return request;
}

} // namespace ferry::coordinator
