// The local slot pool: how many preprocess/link/local-compile steps may run on this machine
// at once, shared by every wrapper of the user. Waiters are served first come, first served;
// a slot belongs to the connection that asked for it, so a wrapper that dies (its
// connection closes) can never leak one.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

namespace ferry::coordinator {

using OwnerId = uint64_t;

class LocalSlots {
  public:
    explicit LocalSlots(uint32_t capacity) : m_capacity(capacity == 0 ? 1 : capacity) {}

    // True if the slot is granted now; otherwise the owner waits in line and is returned
    // by a later release()/drop_owner().
    bool acquire(OwnerId owner);
    // Gives back one slot held by `owner` (false if it held none). Owners granted a slot as
    // a result are appended to `granted`, in the order they asked.
    bool release(OwnerId owner, std::vector<OwnerId>& granted);
    // The owner went away: its slots are freed and its waits forgotten.
    void drop_owner(OwnerId owner, std::vector<OwnerId>& granted);

    uint32_t capacity() const { return m_capacity; }
    uint32_t in_use() const { return m_in_use; }
    uint32_t waiting() const { return static_cast<uint32_t>(m_waiters.size()); }
    uint32_t held_by(OwnerId owner) const;

  private:
    void grant_waiters(std::vector<OwnerId>& granted);

    uint32_t m_capacity;
    uint32_t m_in_use = 0;
    std::map<OwnerId, uint32_t> m_held;
    std::deque<OwnerId> m_waiters;
};

} // namespace ferry::coordinator
