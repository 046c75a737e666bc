#include "coordinator/cpu_meter.hpp"

#include "util/fs.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <sched.h>
#include <unistd.h>

namespace ferry::coordinator {
namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> out;
    size_t start = 0;
    for (;;) {
        size_t end = text.find(sep, start);
        out.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) return out;
        start = end + 1;
    }
}

std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
            ++i;
        size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t')
            ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

template <typename T> std::optional<T> number(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.remove_suffix(1);
    T value{};
    auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (err != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

uint64_t monotonic_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

std::optional<std::string> read_small(const std::string& path) {
    auto text = read_file(path, 1 << 20);
    if (!text) return std::nullopt;
    return std::move(*text);
}

std::vector<int> affinity_cpus() {
    std::vector<int> cpus;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
    for (int i = 0; i < CPU_SETSIZE; ++i)
        if (CPU_ISSET(i, &set)) cpus.push_back(i);
    return cpus;
}

// The smallest quota on the way from `dir` up to the mount point (a parent's limit binds its
// children too).
std::optional<double> smallest_quota(std::string dir, const std::string& mount_point, bool v2) {
    std::optional<double> best;
    for (;;) {
        std::optional<double> quota;
        if (v2) {
            if (auto max = read_small(dir + "/cpu.max")) quota = parse_cpu_max(*max);
        } else if (auto q = read_small(dir + "/cpu.cfs_quota_us")) {
            if (auto p = read_small(dir + "/cpu.cfs_period_us")) quota = parse_cfs_quota(*q, *p);
        }
        if (quota && (!best || *quota < *best)) best = quota;
        if (dir.size() <= mount_point.size()) return best;
        dir.resize(dir.rfind('/'));
    }
}

} // namespace

double idle_cpus(const CpuReading& earlier, const CpuReading& later, double capacity) {
    if (later.at_ns <= earlier.at_ns || later.used_ns < earlier.used_ns) return 0;
    const double used =
        double(later.used_ns - earlier.used_ns) / double(later.at_ns - earlier.at_ns);
    return std::max(0.0, capacity - used);
}

Result<uint64_t> parse_proc_stat_busy_ns(std::string_view text, const std::vector<int>& cpus,
                                         long ticks_per_second) {
    if (ticks_per_second <= 0) return make_error(Errc::invalid, "bad clock tick rate");
    uint64_t ticks = 0;
    bool any = false;
    for (std::string_view line : split(text, '\n')) {
        auto w = words(line);
        if (w.empty() || w[0].size() <= 3 || w[0].substr(0, 3) != "cpu") continue;
        auto index = number<int>(w[0].substr(3));
        if (!index) continue;
        if (!cpus.empty() && std::find(cpus.begin(), cpus.end(), *index) == cpus.end()) continue;
        if (w.size() < 9) return make_error(Errc::invalid, "/proc/stat: short line for {}", w[0]);
        // user nice system idle iowait irq softirq steal: all but idle and iowait are busy.
        // Niced work too: with the scheduler's autogroups (Debian's default) a niced build in
        // another session gets an equal share against a compile, not what is left over.
        for (size_t field : {1, 2, 3, 6, 7, 8}) {
            auto v = number<uint64_t>(w[field]);
            if (!v) return make_error(Errc::invalid, "/proc/stat: bad number in {}", w[0]);
            ticks += *v;
        }
        any = true;
    }
    if (!any) return make_error(Errc::invalid, "/proc/stat: no cpu line");
    return ticks * (1'000'000'000u / uint64_t(ticks_per_second));
}

std::optional<std::string> cgroup_path(std::string_view proc_self_cgroup,
                                       std::string_view controller) {
    for (std::string_view line : split(proc_self_cgroup, '\n')) {
        size_t a = line.find(':');
        size_t b = a == std::string_view::npos ? a : line.find(':', a + 1);
        if (b == std::string_view::npos) continue;
        std::string_view controllers = line.substr(a + 1, b - a - 1);
        std::string_view path = line.substr(b + 1);
        if (controller.empty()) {
            if (line.substr(0, a) == "0" && controllers.empty()) return std::string(path);
            continue;
        }
        for (std::string_view c : split(controllers, ','))
            if (c == controller) return std::string(path);
    }
    return std::nullopt;
}

std::optional<CgroupMount> cgroup_mount(std::string_view mountinfo, std::string_view controller) {
    for (std::string_view line : split(mountinfo, '\n')) {
        auto w = words(line);
        auto dash = std::find(w.begin(), w.end(), std::string_view("-"));
        if (w.size() < 5 || dash == w.end() || w.end() - dash < 4) continue;
        std::string_view fstype = dash[1];
        if (controller.empty() ? fstype != "cgroup2" : fstype != "cgroup") continue;
        if (!controller.empty()) {
            auto options = split(dash[3], ',');
            if (std::find(options.begin(), options.end(), controller) == options.end()) continue;
        }
        return CgroupMount{std::string(w[4]), std::string(w[3])};
    }
    return std::nullopt;
}

std::optional<std::string> cgroup_dir(const CgroupMount& mount, const std::string& path) {
    if (path.find("/../") != std::string::npos || path.ends_with("/..")) return std::nullopt;
    std::string rest;
    if (mount.root == "/") {
        rest = path;
    } else if (path == mount.root) {
        rest = "";
    } else if (path.starts_with(mount.root + "/")) {
        rest = path.substr(mount.root.size());
    } else {
        return std::nullopt;
    }
    if (rest == "/") rest.clear();
    return mount.mount_point + rest;
}

std::optional<double> parse_cfs_quota(std::string_view quota_us, std::string_view period_us) {
    auto quota = number<int64_t>(quota_us);
    auto period = number<int64_t>(period_us);
    if (!quota || !period || *quota <= 0 || *period <= 0) return std::nullopt;
    return double(*quota) / double(*period);
}

std::optional<double> parse_cpu_max(std::string_view cpu_max) {
    auto w = words(cpu_max.substr(0, cpu_max.find('\n')));
    if (w.size() != 2 || w[0] == "max") return std::nullopt;
    auto quota = number<int64_t>(w[0]);
    auto period = number<int64_t>(w[1]);
    if (!quota || !period || *quota <= 0 || *period <= 0) return std::nullopt;
    return double(*quota) / double(*period);
}

Result<uint64_t> parse_cpu_stat_usage_ns(std::string_view cpu_stat) {
    for (std::string_view line : split(cpu_stat, '\n')) {
        auto w = words(line);
        if (w.size() == 2 && w[0] == "usage_usec") {
            if (auto v = number<uint64_t>(w[1])) return *v * 1000;
            break;
        }
    }
    return make_error(Errc::invalid, "cpu.stat: no usage_usec");
}

CpuMeter CpuMeter::detect(const CpuSources& sources) {
    CpuMeter meter;
    meter.m_proc_stat = sources.proc_stat;
    meter.m_cpus = affinity_cpus();
    const double cpus = meter.m_cpus.empty() ? double(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)))
                                             : double(meter.m_cpus.size());
    meter.m_capacity = cpus;
    meter.m_description = fmt::format("/proc/stat, {} CPUs", cpus);
    auto self = read_small(sources.self_cgroup);
    auto mounts = read_small(sources.mountinfo);
    if (!self || !mounts) return meter;

    auto located = [&](std::string_view controller) -> std::optional<std::string> {
        auto path = cgroup_path(*self, controller);
        auto mount = cgroup_mount(*mounts, controller);
        if (!path || !mount) return std::nullopt;
        mount->mount_point = sources.root + mount->mount_point;
        return cgroup_dir(*mount, *path);
    };
    auto quota_of = [&](std::string_view controller, bool v2) -> std::optional<double> {
        auto dir = located(controller);
        auto mount = cgroup_mount(*mounts, controller);
        if (!dir || !mount) return std::nullopt;
        return smallest_quota(*dir, sources.root + mount->mount_point, v2);
    };

    if (auto quota = quota_of("cpu", false)) {
        if (auto acct = located("cpuacct"); acct && read_small(*acct + "/cpuacct.usage")) {
            meter.m_source = Source::cgroup_v1;
            meter.m_usage_file = *acct + "/cpuacct.usage";
            meter.m_capacity = std::min(cpus, *quota);
            meter.m_description =
                fmt::format("cgroup v1 quota {:.2f} CPU, use from {}", *quota, meter.m_usage_file);
        }
    } else if (auto quota2 = quota_of("", true)) {
        if (auto dir = located(""); dir && read_small(*dir + "/cpu.stat")) {
            meter.m_source = Source::cgroup_v2;
            meter.m_usage_file = *dir + "/cpu.stat";
            meter.m_capacity = std::min(cpus, *quota2);
            meter.m_description =
                fmt::format("cgroup v2 quota {:.2f} CPU, use from {}", *quota2, meter.m_usage_file);
        }
    }
    return meter;
}

Result<CpuReading> CpuMeter::read() const {
    CpuReading reading;
    reading.at_ns = monotonic_ns();
    switch (m_source) {
    case Source::proc_stat: {
        FERRY_TRY(text, read_file(m_proc_stat, 1 << 20));
        FERRY_TRY(busy, parse_proc_stat_busy_ns(*text, m_cpus, ::sysconf(_SC_CLK_TCK)));
        reading.used_ns = *busy;
        break;
    }
    case Source::cgroup_v1: {
        FERRY_TRY(text, read_file(m_usage_file, 4096));
        auto used = number<uint64_t>(*text);
        if (!used) return make_error(Errc::invalid, "{}: not a number", m_usage_file);
        reading.used_ns = *used;
        break;
    }
    case Source::cgroup_v2: {
        FERRY_TRY(text, read_file(m_usage_file, 1 << 16));
        FERRY_TRY(used, parse_cpu_stat_usage_ns(*text));
        reading.used_ns = *used;
        break;
    }
    }
    return reading;
}

} // namespace ferry::coordinator
