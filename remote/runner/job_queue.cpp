#include "remote/runner/job_queue.hpp"

#include <algorithm>

namespace ferry::runner {

JobQueue::Admit JobQueue::admit(uint64_t key) {
    if (m_running.size() < m_slots && m_waiting.empty()) {
        m_running.insert(key);
        return Admit::run_now;
    }
    if (m_waiting.size() >= m_max_waiting) return Admit::full;
    m_waiting.push_back(key);
    return Admit::queued;
}

std::optional<uint64_t> JobQueue::finish(uint64_t key) {
    m_running.erase(key);
    if (m_running.size() >= m_slots || m_waiting.empty()) return std::nullopt;
    uint64_t next = m_waiting.front();
    m_waiting.pop_front();
    m_running.insert(next);
    return next;
}

bool JobQueue::remove_waiting(uint64_t key) {
    auto it = std::find(m_waiting.begin(), m_waiting.end(), key);
    if (it == m_waiting.end()) return false;
    m_waiting.erase(it);
    return true;
}

} // namespace ferry::runner
