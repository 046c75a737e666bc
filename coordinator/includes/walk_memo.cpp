#include "coordinator/includes/walk_memo.hpp"

namespace ferry::includes {

namespace {

template <typename T> size_t strings(const std::vector<T>& v) {
    return v.capacity() * sizeof(T); // the names are the memo's, counted once there
}

} // namespace

size_t MemoEntry::bytes() const {
    return sizeof(MemoEntry) + strings(reads) + strings(writes) + strings(once_reads) +
           strings(once_adds) + strings(stamps) + strings(files) + strings(probes) + strings(asked);
}

void WalkMemo::begin_walk() {
    if (m_bytes <= m_max_bytes) return;
    m_map.clear();
    m_names.clear();
    m_owners.clear();
    m_bytes = 0;
    ++m_counters.resets;
}

Name WalkMemo::intern(NameRef s) {
    auto it = m_names.find(s);
    if (it == m_names.end()) {
        it =
            m_names.insert(Atom{std::string(s.text), static_cast<uint32_t>(m_names.size()), s.hash})
                .first;
        m_bytes += sizeof(std::string) + s.text.size() + 32;
    }
    return &*it;
}

const WalkMemo::Entries* WalkMemo::find(const std::string& key) const {
    auto it = m_map.find(key);
    return it == m_map.end() ? nullptr : &it->second;
}

void WalkMemo::add(const std::string& key, std::shared_ptr<const MemoEntry> entry) {
    size_t bytes = entry->bytes() + key.size();
    Entries& entries = m_map[key];
    if (entries.size() >= k_per_key) {
        m_bytes -= std::min(m_bytes, entries.back()->bytes() + key.size());
        entries.pop_back();
    }
    entries.insert(entries.begin(), std::move(entry));
    m_bytes += bytes;
    ++m_counters.recorded;
}

} // namespace ferry::includes
