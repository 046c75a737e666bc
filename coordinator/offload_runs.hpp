// The compiles this machine took as a slot (coordinator/local_offload.hpp), followed while they
// run. Such a compile runs at the lowest priority on CPU nothing else here wanted, yet its use
// shows in the machine's readings as load: the next one could start only once two readings
// after it were clean again, one compile per two seconds on bench/farm's client with half of
// its CPU idle (bench/farm/RESULTS.md, session 20). Here each is followed from its wrapper's
// process (the pid it gives with its slot request): the CPU of the wrapper's children and
// their descendants, live (/proc/PID/task/TID/children) and reaped (the wrapper's cutime and
// cstime), is handed back to the readings as idle, and the compile stays booked while it runs.
//
// A pid is trusted only while it is the same process (its start time, /proc/PID/stat field
// 22, unchanged), and a compile's credit never exceeds its wall time on every CPU: a wrapper
// that exits before its release is read, or a pid reused, costs credit, never adds any. The
// pid is the wrapper's word: a process of the user's that names another one has that one's
// children counted as idle, within the same bound, which only makes its own builds take more
// compiles here, at the lowest priority.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace ferry::coordinator {

// /proc/PID/stat's CPU fields (clock ticks) and start time; nullopt if `stat` is malformed.
struct ProcTimes {
    uint64_t utime = 0, stime = 0, cutime = 0, cstime = 0;
    uint64_t start = 0; // field 22: ticks after boot; a reused pid has another
};
std::optional<ProcTimes> parse_proc_times(std::string_view stat);

// CPU ticks of `pid`'s children: those it reaped (its cutime + cstime) and every live
// descendant's own and reaped time. `start`: what `pid` must still be (ProcTimes::start).
// Errors when the process is gone or another one. At most 64 processes are read.
Result<uint64_t> children_cpu_ticks(uint32_t pid, uint64_t start, const std::string& proc_root);

class OffloadRuns {
  public:
    using Owner = uint64_t; // the wrapper's connection
    // `proc_root`: /proc (tests pass a fake tree); `cpus`: this machine's, a bound on credit.
    explicit OffloadRuns(std::string proc_root = "/proc", double cpus = 1);

    // `owner` was sent back to compile here at the lowest priority.
    void answered(Owner owner);
    // Its local slot request, from process `pid`: followed from now. False if `owner` was
    // not sent back as idle offload, or its process cannot be read.
    bool started(Owner owner, uint32_t pid, uint64_t now_ns);
    // Its slot released or its connection closed: its last CPU is counted. `reaped_us`: what
    // the wrapper said at its release its reaped children used (IpcReleaseLocal), which
    // stands when its /proc entry is gone by the time it is read (the wrapper exits right
    // after), within the same wall-time bound. True if it was followed (started).
    bool finished(Owner owner, uint64_t now_ns, std::optional<uint64_t> reaped_us = std::nullopt);
    // The followed compiles' CPU since the last call, in seconds.
    double take_cpu_seconds(uint64_t now_ns);

    size_t running() const { return m_runs.size(); }
    // Everything take_cpu_seconds() has handed out.
    uint64_t total_cpu_ms() const { return m_total_ticks * 1000 / uint64_t(m_ticks_per_second); }

  private:
    struct Run {
        uint32_t pid = 0;
        uint64_t start = 0;    // the process's start time
        uint64_t ticks = 0;    // counted so far
        uint64_t since_ns = 0; // followed since
    };
    // Counts what `run` used since its last reading, at least `at_least` ticks in all;
    // false once it cannot be read and nothing was reported.
    bool read(Run& run, uint64_t now_ns, uint64_t at_least = 0);

    std::string m_proc_root;
    double m_cpus;
    long m_ticks_per_second;
    std::set<Owner> m_answered;
    std::map<Owner, Run> m_runs;
    uint64_t m_pending_ticks = 0;
    uint64_t m_total_ticks = 0;
};

} // namespace ferry::coordinator
