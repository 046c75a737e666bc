#include "coordinator/offload_runs.hpp"

#include "util/fs.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <unistd.h>
#include <vector>

namespace ferry::coordinator {
namespace {

constexpr size_t kMaxProcesses = 64;

std::optional<uint64_t> number(std::string_view text) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return v;
}

Result<ProcTimes> times_of(uint32_t pid, const std::string& proc_root) {
    FERRY_TRY(text, read_file(proc_root + "/" + std::to_string(pid) + "/stat"));
    auto times = parse_proc_times(*text);
    if (!times) return make_error(Errc::io, "process {}: unreadable stat", pid);
    return *times;
}

// The pids in every task's `children` file of `pid`.
std::vector<uint32_t> children_of(uint32_t pid, const std::string& proc_root) {
    std::vector<uint32_t> out;
    std::error_code ec;
    std::filesystem::directory_iterator tasks(proc_root + "/" + std::to_string(pid) + "/task", ec);
    for (; !ec && tasks != std::filesystem::directory_iterator(); tasks.increment(ec)) {
        auto text = read_file(tasks->path().string() + "/children");
        if (!text) continue;
        std::string_view rest = *text;
        while (!rest.empty()) {
            const size_t space = rest.find_first_of(" \n");
            if (auto child = number(rest.substr(0, space))) out.push_back(uint32_t(*child));
            if (space == std::string_view::npos) break;
            rest.remove_prefix(space + 1);
        }
    }
    return out;
}

} // namespace

std::optional<ProcTimes> parse_proc_times(std::string_view stat) {
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the last ')' ends it.
    const size_t close = stat.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    std::vector<std::string_view> fields; // fields[0] is field 3, the state
    std::string_view rest = stat.substr(close + 1);
    while (!rest.empty() && fields.size() < 20) {
        const size_t start = rest.find_first_not_of(" \n");
        if (start == std::string_view::npos) break;
        rest.remove_prefix(start);
        const size_t end = rest.find_first_of(" \n");
        fields.push_back(rest.substr(0, end));
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end);
    }
    if (fields.size() < 20) return std::nullopt;
    auto field = [&](int n) { return number(fields[size_t(n - 3)]); };
    auto utime = field(14), stime = field(15), cutime = field(16), cstime = field(17);
    auto start = field(22);
    if (!utime || !stime || !cutime || !cstime || !start) return std::nullopt;
    return ProcTimes{*utime, *stime, *cutime, *cstime, *start};
}

Result<uint64_t> children_cpu_ticks(uint32_t pid, uint64_t start, const std::string& proc_root) {
    FERRY_TRY(root, times_of(pid, proc_root));
    if (root->start != start) return make_error(Errc::io, "process {} is another one now", pid);
    uint64_t ticks = root->cutime + root->cstime;
    std::vector<uint32_t> pending = children_of(pid, proc_root);
    size_t read = 1;
    while (!pending.empty() && read < kMaxProcesses) {
        const uint32_t child = pending.back();
        pending.pop_back();
        ++read;
        auto times = times_of(child, proc_root);
        if (!times) continue; // gone since listed: its parent's cutime has it
        ticks += times->utime + times->stime + times->cutime + times->cstime;
        for (uint32_t grandchild : children_of(child, proc_root))
            pending.push_back(grandchild);
    }
    return ticks;
}

OffloadRuns::OffloadRuns(std::string proc_root, double cpus)
    : m_proc_root(std::move(proc_root)), m_cpus(cpus > 0 ? cpus : 1),
      m_ticks_per_second(std::max(1L, ::sysconf(_SC_CLK_TCK))) {}

void OffloadRuns::answered(Owner owner) {
    m_answered.insert(owner);
}

bool OffloadRuns::started(Owner owner, uint32_t pid, uint64_t now_ns) {
    if (!m_answered.erase(owner) || pid == 0) return false;
    auto times = times_of(pid, m_proc_root);
    if (!times) return false;
    Run run{pid, times->start, 0, now_ns};
    auto ticks = children_cpu_ticks(pid, run.start, m_proc_root);
    if (!ticks) return false;
    run.ticks = *ticks; // what it ran before (a scan): not this compile
    m_runs[owner] = run;
    return true;
}

bool OffloadRuns::read(Run& run, uint64_t now_ns, uint64_t at_least) {
    auto read_ticks = children_cpu_ticks(run.pid, run.start, m_proc_root);
    if (!read_ticks && at_least == 0) return false;
    const uint64_t ticks = std::max(read_ticks ? *read_ticks : 0, at_least);
    // Never more than the run's wall time on every CPU: a count that jumps is not this
    // compile's.
    const double wall_s = double(now_ns - std::min(now_ns, run.since_ns)) / 1e9;
    const auto bound = uint64_t(wall_s * m_cpus * double(m_ticks_per_second)) + 1;
    const uint64_t used = ticks > run.ticks ? ticks - run.ticks : 0;
    m_pending_ticks += std::min(used, bound);
    run.ticks = std::max(run.ticks, ticks);
    run.since_ns = now_ns;
    return true;
}

bool OffloadRuns::finished(Owner owner, uint64_t now_ns, std::optional<uint64_t> reaped_us) {
    m_answered.erase(owner);
    auto it = m_runs.find(owner);
    if (it == m_runs.end()) return false;
    // In ticks, without overflow for any reported value (the bound in read() applies).
    const uint64_t tps = uint64_t(m_ticks_per_second);
    const uint64_t reaped_ticks =
        reaped_us ? *reaped_us / 1000000 * tps + *reaped_us % 1000000 * tps / 1000000 : 0;
    read(it->second, now_ns, reaped_ticks);
    m_runs.erase(it);
    return true;
}

double OffloadRuns::take_cpu_seconds(uint64_t now_ns) {
    for (auto& [owner, run] : m_runs)
        read(run, now_ns);
    const double seconds = double(m_pending_ticks) / double(m_ticks_per_second);
    m_total_ticks += m_pending_ticks;
    m_pending_ticks = 0;
    return seconds;
}

} // namespace ferry::coordinator
