// "The client's CPU is a slot" (issue 11): when every runner slot is taken and jobs wait in
// the coordinator's queue, one may compile here instead, as icecream's local jobs do — but only
// while this machine is measured idle (coordinator/cpu_meter.hpp), never by a fixed count: a
// client that is the bottleneck (scans, links, make itself) must not take compiles from the
// runners. Each job sent back books one CPU until its use shows in the readings, so one idle
// reading does not send the whole queue home; once it starts, it is followed
// (coordinator/offload_runs.hpp: its CPU comes back to the readings as idle) and stays booked
// until it ends. Pure: the service feeds it readings on its tick, and asks for a job on the
// tick and whenever a local slot is freed (the last reading decides).
//
// A job sent back compiles at the lowest priority (SCHED_IDLE, `lowest_priority` in the
// answer; client/local_compile.hpp): it runs on CPU nothing here wants, so make, the wrappers
// and the coordinator feeding the runners are not slowed by it, and a quarter of a compile's
// CPU idle is enough to take one. At 90% (sessions 9–11) a farm client under a 0.4 CPU quota
// that fed six runner slots at 73% of its budget never took one while the runners' queue
// waited (bench/farm/RESULTS.md, session 12).
#pragma once

#include <cstdint>
#include <deque>

namespace ferry::coordinator {

// Why such a job compiles here, as `ferry status` counts it.
inline constexpr const char* kIdleOffloadReason = "runners busy, this machine idle";

class LocalOffload {
  public:
    // The share of a compile's CPU that must be idle to take one here. A compile keeps one
    // CPU busy, or the whole budget when that is less (a client under a 0.4 CPU quota: with
    // a fixed 0.9 CPU it could never take one; bench/farm). A quarter: at the lowest
    // priority the compile only slows itself, and it still ends within four of its own times.
    static constexpr double kMinIdleShare = 0.25;
    // How many readings a job sent back stays booked: the wrapper has to hear the answer,
    // wait for its local slot and start the compiler before the readings see it.
    static constexpr int kBookedReadings = 3;

    // The CPUs this machine may use (coordinator/cpu_meter.hpp's capacity).
    void set_budget(double cpus) { m_compile_cpus = cpus > 0 && cpus < 1 ? cpus : 1; }
    // A new reading: the idle CPUs over the last interval.
    void measured(double idle_cpus);
    // May a queued job compile here now? A yes books one CPU.
    bool take(uint32_t queued, uint32_t local_slots_free);
    // A job sent back has started and is followed (coordinator/offload_runs.hpp): its CPU
    // comes back to the readings as idle, so it stays booked until finished() instead of for
    // kBookedReadings readings.
    void started();
    void finished();

    double idle() const { return m_idle; }

  private:
    double m_compile_cpus = 1; // what one compile here takes: one CPU, or the whole budget
    double m_idle = 0;         // the smaller of the last two readings
    double m_last = 0;
    bool m_measured = false;
    std::deque<int> m_booked; // readings left per job sent back, not yet started
    int m_running = 0;        // started and followed: booked until finished
};

} // namespace ferry::coordinator
