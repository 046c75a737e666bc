// Admission for jobs whose files are all present: at most `slots` run at once, the rest wait
// in arrival order, and past `max_waiting` a job is turned away (the client then retries on
// another runner rather than waiting behind a long queue). Jobs are opaque keys, so the
// policy is tested without processes or sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>

namespace ferry::runner {

class JobQueue {
  public:
    enum class Admit { run_now, queued, full };

    JobQueue(size_t slots, size_t max_waiting) : m_slots(slots), m_max_waiting(max_waiting) {}

    Admit admit(uint64_t key);
    // A running job ended: returns the next key to start, if one waits.
    std::optional<uint64_t> finish(uint64_t key);
    // A waiting job was cancelled (its client went away). True if it was waiting.
    bool remove_waiting(uint64_t key);

    size_t running() const { return m_running.size(); }
    size_t waiting() const { return m_waiting.size(); }
    size_t slots() const { return m_slots; }
    bool is_running(uint64_t key) const { return m_running.count(key) != 0; }

  private:
    size_t m_slots;
    size_t m_max_waiting;
    std::set<uint64_t> m_running;
    std::deque<uint64_t> m_waiting;
};

} // namespace ferry::runner
