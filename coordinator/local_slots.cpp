#include "coordinator/local_slots.hpp"

#include <algorithm>

namespace ferry::coordinator {

bool LocalSlots::acquire(OwnerId owner) {
    if (m_in_use < m_capacity && m_waiters.empty()) {
        ++m_in_use;
        ++m_held[owner];
        return true;
    }
    m_waiters.push_back(owner);
    return false;
}

bool LocalSlots::release(OwnerId owner, std::vector<OwnerId>& granted) {
    auto it = m_held.find(owner);
    if (it == m_held.end()) return false;
    if (--it->second == 0) m_held.erase(it);
    --m_in_use;
    grant_waiters(granted);
    return true;
}

void LocalSlots::drop_owner(OwnerId owner, std::vector<OwnerId>& granted) {
    m_waiters.erase(std::remove(m_waiters.begin(), m_waiters.end(), owner), m_waiters.end());
    if (auto it = m_held.find(owner); it != m_held.end()) {
        m_in_use -= it->second;
        m_held.erase(it);
    }
    grant_waiters(granted);
}

uint32_t LocalSlots::held_by(OwnerId owner) const {
    auto it = m_held.find(owner);
    return it == m_held.end() ? 0 : it->second;
}

void LocalSlots::grant_waiters(std::vector<OwnerId>& granted) {
    while (m_in_use < m_capacity && !m_waiters.empty()) {
        OwnerId next = m_waiters.front();
        m_waiters.pop_front();
        ++m_in_use;
        ++m_held[next];
        granted.push_back(next);
    }
}

} // namespace ferry::coordinator
