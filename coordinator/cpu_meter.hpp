// How much CPU this machine has left for a compile, measured rather than configured (issue 11:
// "the client's CPU is a slot"). The budget is the coordinator's cgroup CPU quota when it or a
// parent has one (a container, a CI runner, bench/farm's client), else the CPUs it may run on.
// What counts as used follows the budget: under a quota, the cgroup's own accounting (work
// outside it does not eat its quota); without one, the busy time of those CPUs in /proc/stat
// (other users' work leaves less room). cgroup v1 (cpu + cpuacct, mounted together or apart)
// and v2 are read; the parsers are pure so the tests feed them text.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::coordinator {

// One reading: CPU time used so far by what the budget covers, and when it was taken.
struct CpuReading {
    uint64_t used_ns = 0;
    uint64_t at_ns = 0; // monotonic
};

// Idle CPUs between two readings (capacity minus the average use), never below 0.
double idle_cpus(const CpuReading& earlier, const CpuReading& later, double capacity);

// ---- parsers (pure) ----
// /proc/stat: the busy time (user, nice, system, irq, softirq, steal) of the listed CPUs
// (all of them when `cpus` is empty), in ns. Guest time is already inside user.
Result<uint64_t> parse_proc_stat_busy_ns(std::string_view text, const std::vector<int>& cpus,
                                         long ticks_per_second);
// /proc/self/cgroup: the path of the hierarchy carrying `controller` (v1, "4:cpu,cpuacct:/a"),
// or of the unified one ("0::/a") when `controller` is empty.
std::optional<std::string> cgroup_path(std::string_view proc_self_cgroup,
                                       std::string_view controller);
// /proc/self/mountinfo: where the v1 hierarchy with `controller` is mounted, or the v2 one
// when `controller` is empty, and which cgroup is the mount's root (a container sees its own).
struct CgroupMount {
    std::string mount_point;
    std::string root;
};
std::optional<CgroupMount> cgroup_mount(std::string_view mountinfo, std::string_view controller);
// The directory of cgroup `path` (from /proc/self/cgroup) under `mount`; nullopt if the path
// is not below the mount's root.
std::optional<std::string> cgroup_dir(const CgroupMount& mount, const std::string& path);
// A quota in CPUs: v1 cpu.cfs_quota_us + cpu.cfs_period_us ("-1": none), v2 cpu.max
// ("max 100000": none; "40000 100000": 0.4).
std::optional<double> parse_cfs_quota(std::string_view quota_us, std::string_view period_us);
std::optional<double> parse_cpu_max(std::string_view cpu_max);
// v2 cpu.stat's usage_usec, in ns.
Result<uint64_t> parse_cpu_stat_usage_ns(std::string_view cpu_stat);

// Where a meter reads from; tests point it at a fake tree.
struct CpuSources {
    std::string proc_stat = "/proc/stat";
    std::string self_cgroup = "/proc/self/cgroup";
    std::string mountinfo = "/proc/self/mountinfo";
    std::string root; // prefixed to the cgroup mount points found (tests)
};

class CpuMeter {
  public:
    // Looks at the cgroups once: a quota found decides the source for the meter's life.
    static CpuMeter detect(const CpuSources& sources = {});

    Result<CpuReading> read() const;
    double capacity() const { return m_capacity; }
    // For the coordinator's log: "cgroup v1 quota 0.40 CPU at /sys/fs/cgroup/cpu/x".
    const std::string& describe() const { return m_description; }

  private:
    enum class Source { proc_stat, cgroup_v1, cgroup_v2 };
    Source m_source = Source::proc_stat;
    std::string m_usage_file; // cpuacct.usage (v1) or cpu.stat (v2)
    std::string m_proc_stat;
    std::vector<int> m_cpus; // the affinity mask, for /proc/stat
    double m_capacity = 1;
    std::string m_description;
};

} // namespace ferry::coordinator
