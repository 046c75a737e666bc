#include "coordinator/local_offload.hpp"

#include <algorithm>

namespace ferry::coordinator {

void LocalOffload::measured(double idle_cpus) {
    // Idle over both of the last two intervals: a load that just began (a link, another
    // build) counts at once, and one quiet interval is not enough to take a compile.
    m_idle = m_measured ? std::min(m_last, idle_cpus) : idle_cpus;
    m_last = idle_cpus;
    m_measured = true;
    for (int& left : m_booked)
        --left;
    while (!m_booked.empty() && m_booked.front() <= 0)
        m_booked.pop_front();
}

bool LocalOffload::take(uint32_t queued, uint32_t local_slots_free) {
    if (queued == 0 || local_slots_free == 0 || !m_measured) return false;
    const double booked = double(m_booked.size()) + double(m_running);
    if (m_idle - booked * m_compile_cpus < kMinIdleShare * m_compile_cpus) return false;
    m_booked.push_back(kBookedReadings);
    return true;
}

void LocalOffload::started() {
    if (!m_booked.empty()) m_booked.pop_front(); // the oldest sent back is the likeliest
    ++m_running;
}

void LocalOffload::finished() {
    if (m_running > 0) --m_running;
}

} // namespace ferry::coordinator
