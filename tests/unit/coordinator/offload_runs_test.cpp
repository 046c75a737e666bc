#include "coordinator/offload_runs.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <ctime>
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::coordinator;

namespace {

// A /proc/PID/stat line with the given CPU fields and start time.
std::string stat_line(uint32_t pid, std::string_view comm, uint64_t utime, uint64_t cutime,
                      uint64_t start) {
    return fmt::format("{} ({}) S 1 1 1 0 -1 4194560 100 0 0 0 {} 2 {} 3 20 0 1 0 {} 1000 10\n",
                       pid, comm, utime, cutime, start);
}

void burn_cpu_ms(int ms) {
    const clock_t end = std::clock() + clock_t(ms) * CLOCKS_PER_SEC / 1000;
    volatile uint64_t x = 0;
    while (std::clock() < end)
        x = x + 1;
}

uint64_t now_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

} // namespace

TEST_CASE("parse_proc_times: the CPU fields and start time, whatever the command's name") {
    auto t = parse_proc_times(stat_line(42, "cc1 (x) y", 7, 30, 12345));
    REQUIRE(t);
    CHECK(t->utime == 7);
    CHECK(t->stime == 2);
    CHECK(t->cutime == 30);
    CHECK(t->cstime == 3);
    CHECK(t->start == 12345);
    CHECK_FALSE(parse_proc_times("42 (cc1 S 1 2 3"));
    CHECK_FALSE(parse_proc_times("42 (cc1) S 1 1 1 0 -1 4194560 100 0 0 0 x 2 3 3 20 0 1 0 5"));
    CHECK_FALSE(parse_proc_times(""));
}

TEST_CASE("children_cpu_ticks: live descendants and reaped children, of this process only") {
    auto self = parse_proc_times(*read_file("/proc/self/stat"));
    REQUIRE(self);
    const auto pid = uint32_t(::getpid());
    auto before = children_cpu_ticks(pid, self->start, "/proc");
    REQUIRE(before);
    // A child that burns CPU in a grandchild it waits for: counted while they run, and once
    // reaped, through this process's cutime.
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(ready[0]);
        const pid_t grandchild = ::fork();
        if (grandchild == 0) {
            burn_cpu_ms(300);
            (void)::write(ready[1], "x", 1);
            burn_cpu_ms(300);
            ::_exit(0);
        }
        int status = 0;
        ::waitpid(grandchild, &status, 0);
        ::_exit(0);
    }
    ::close(ready[1]);
    char c = 0;
    REQUIRE(::read(ready[0], &c, 1) == 1);
    ::close(ready[0]);
    auto live = children_cpu_ticks(pid, self->start, "/proc");
    REQUIRE(live);
    CHECK(*live >= *before + 20); // ≥ 0.2 s at 100 ticks a second, while it runs
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    auto reaped = children_cpu_ticks(pid, self->start, "/proc");
    REQUIRE(reaped);
    CHECK(*reaped >= *before + 50);
    // Another process under the same pid (another start time) is not followed.
    CHECK_FALSE(children_cpu_ticks(pid, self->start + 1, "/proc"));
    CHECK_FALSE(children_cpu_ticks(0x7ffffff0, 0, "/proc"));
}

TEST_CASE("OffloadRuns: only compiles sent back are followed, and credit never exceeds wall time") {
    auto dir = TempDir::create("/tmp", "ferry-offload-runs-");
    REQUIRE(dir);
    const std::string root = dir->path();
    auto set = [&](uint32_t pid, uint64_t cutime, uint64_t start, const std::string& children) {
        REQUIRE(make_dirs(fmt::format("{}/{}/task/{}", root, pid, pid)));
        REQUIRE(write_file(fmt::format("{}/{}/stat", root, pid),
                           stat_line(pid, "ferry", 1, cutime, start)));
        REQUIRE(write_file(fmt::format("{}/{}/task/{}/children", root, pid, pid), children));
    };
    set(100, 5, 777, "101 ");
    REQUIRE(make_dirs(root + "/101/task/101"));
    REQUIRE(write_file(root + "/101/stat", stat_line(101, "gcc", 10, 0, 778)));
    REQUIRE(write_file(root + "/101/task/101/children", ""));
    OffloadRuns runs(root, 1);
    const uint64_t t0 = 1'000'000'000'000;

    CHECK_FALSE(runs.started(1, 100, t0)); // never sent back: not followed
    runs.answered(1);
    REQUIRE(runs.started(1, 100, t0));
    CHECK(runs.running() == 1);
    CHECK(runs.take_cpu_seconds(t0) == doctest::Approx(0)); // what ran before is not counted

    // Half a second later the child has used 30 more ticks, and been reaped (its 40 ticks in
    // the wrapper's cutime).
    REQUIRE(write_file(root + "/101/stat", stat_line(101, "gcc", 40, 0, 778)));
    const double per_tick = 1.0 / double(::sysconf(_SC_CLK_TCK));
    CHECK(runs.take_cpu_seconds(t0 + 500'000'000) == doctest::Approx(30 * per_tick));
    set(100, 5 + 40, 777, "");
    // Reaped: the wrapper's cutime grew by what the child's count had (no double count).
    CHECK(runs.take_cpu_seconds(t0 + 600'000'000) == doctest::Approx(0));
    // A count that jumps beyond the wall time on every CPU is cut to it.
    set(100, 100000, 777, "");
    const double bounded = runs.take_cpu_seconds(t0 + 700'000'000);
    CHECK(bounded <= 0.1 + 2 * per_tick);
    CHECK(bounded > 0);
    // The pid now names another process: nothing more is counted, and the end is seen.
    set(100, 200000, 999, "");
    CHECK(runs.take_cpu_seconds(t0 + 800'000'000) == doctest::Approx(0));
    CHECK(runs.finished(1, t0 + 900'000'000));
    CHECK(runs.take_cpu_seconds(t0 + 900'000'000) == doctest::Approx(0));
    CHECK_FALSE(runs.finished(1, t0 + 900'000'000));
    CHECK(runs.running() == 0);

    // A real wrapper: this process, its child burning CPU, reaped before the end.
    OffloadRuns live;
    live.answered(2);
    REQUIRE(live.started(2, uint32_t(::getpid()), now_ns()));
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        burn_cpu_ms(200);
        ::_exit(0);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(live.finished(2, now_ns()));
    CHECK(live.take_cpu_seconds(now_ns()) >= 0.15);
    CHECK(live.total_cpu_ms() >= 150);
}

TEST_CASE("OffloadRuns: what the wrapper reports at its release counts when its /proc is gone") {
    auto dir = TempDir::create("/tmp", "ferry-offload-runs-");
    REQUIRE(dir);
    const std::string root = dir->path();
    const std::string stat = root + "/100/stat";
    REQUIRE(make_dirs(root + "/100/task/100"));
    REQUIRE(write_file(stat, stat_line(100, "ferry", 1, 5, 777)));
    REQUIRE(write_file(root + "/100/task/100/children", ""));
    const uint64_t tps = uint64_t(::sysconf(_SC_CLK_TCK));
    const double per_tick = 1.0 / double(tps);
    const uint64_t t0 = 1'000'000'000'000;
    auto us_of = [&](uint64_t ticks) { return ticks * 1'000'000 / tps; };

    OffloadRuns runs(root, 1);
    runs.answered(1);
    REQUIRE(runs.started(1, 100, t0)); // 5 + 3 ticks before (cutime, cstime): the scan's
    // The wrapper has exited (reaped by make) before its release is read: its report stands.
    REQUIRE(::unlink(stat.c_str()) == 0);
    CHECK(runs.finished(1, t0 + 2'000'000'000, us_of(8 + 50)));
    CHECK(runs.take_cpu_seconds(t0 + 2'000'000'000) == doctest::Approx(50 * per_tick));

    // Without a report (a closed connection) nothing can be read: nothing counted.
    REQUIRE(write_file(stat, stat_line(100, "ferry", 1, 5, 777)));
    runs.answered(2);
    REQUIRE(runs.started(2, 100, t0));
    REQUIRE(::unlink(stat.c_str()) == 0);
    CHECK(runs.finished(2, t0 + 2'000'000'000));
    CHECK(runs.take_cpu_seconds(t0 + 2'000'000'000) == doctest::Approx(0));

    // A report beyond the wall time on every CPU (here 1 s) is cut to it, and the largest
    // value a u64 holds does not overflow the conversion.
    REQUIRE(write_file(stat, stat_line(100, "ferry", 1, 5, 777)));
    runs.answered(3);
    REQUIRE(runs.started(3, 100, t0));
    CHECK(runs.finished(3, t0 + 1'000'000'000, UINT64_MAX));
    const double bounded = runs.take_cpu_seconds(t0 + 1'000'000'000);
    CHECK(bounded <= 1.0 + 2 * per_tick);
    CHECK(bounded >= 1.0 - per_tick);

    // A report below what /proc shows does not lower the count: the larger stands.
    runs.answered(4);
    REQUIRE(runs.started(4, 100, t0));
    REQUIRE(write_file(stat, stat_line(100, "ferry", 1, 5 + 20, 777)));
    CHECK(runs.finished(4, t0 + 1'000'000'000, us_of(8 + 3)));
    CHECK(runs.take_cpu_seconds(t0 + 1'000'000'000) == doctest::Approx(20 * per_tick));
}
