// "The client's CPU is a slot" (issue 11): when every runner slot is taken and jobs wait in
// the coordinator's queue, one may compile here instead, as icecream's local jobs do — but only
// while this machine is measured idle (coordinator/cpu_meter.hpp), never by a fixed count: a
// client that is the bottleneck (scans, links, make itself) must not take compiles from the
// runners. Each job sent back books one CPU until its use shows in the readings, so one idle
// reading does not send the whole queue home. Pure: the service feeds it readings on its tick.
#pragma once

#include <cstdint>
#include <deque>

namespace ferry::coordinator {

class LocalOffload {
  public:
    // Idle CPUs needed to take one compile here (a compile keeps about one CPU busy).
    static constexpr double kMinIdleCpus = 0.9;
    // How many readings a job sent back stays booked: the wrapper has to hear the answer,
    // wait for its local slot and start the compiler before the readings see it.
    static constexpr int kBookedReadings = 3;

    // A new reading: the idle CPUs over the last interval.
    void measured(double idle_cpus);
    // May a queued job compile here now? A yes books one CPU.
    bool take(uint32_t queued, uint32_t local_slots_free);

    double idle() const { return m_idle; }

  private:
    double m_idle = 0; // the smaller of the last two readings
    double m_last = 0;
    bool m_measured = false;
    std::deque<int> m_booked; // readings left per job sent back
};

} // namespace ferry::coordinator
