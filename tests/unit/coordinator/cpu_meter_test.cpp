#include "coordinator/cpu_meter.hpp"
#include "coordinator/local_offload.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::coordinator;

TEST_CASE("cpu meter: /proc/stat busy time of the CPUs this process may use") {
    const std::string stat = "cpu  900 0 300 5000 100 0 0 0 0 0\n"
                             "cpu0 400 0 100 2500 50 0 0 0 0 0\n"
                             "cpu1 500 10 200 2500 50 5 5 1 0 0\n"
                             "intr 1 2 3\nctxt 99\n";
    CHECK(*parse_proc_stat_busy_ns(stat, {}, 100) == (500 + 721) * 10'000'000ull);
    CHECK(*parse_proc_stat_busy_ns(stat, {1}, 100) == 721 * 10'000'000ull);
    CHECK(!parse_proc_stat_busy_ns(stat, {7}, 100));
    CHECK(!parse_proc_stat_busy_ns("cpu0 1 2 x 4 5 6 7 8\n", {}, 100));
    CHECK(!parse_proc_stat_busy_ns("cpu0 1 2\n", {}, 100));
    CHECK(!parse_proc_stat_busy_ns("", {}, 100));
}

TEST_CASE("cpu meter: cgroup paths and mounts, v1 apart or together, v2, a container's root") {
    const std::string self = "9:name=systemd:/\n4:cpu,cpuacct:/ferry-client\n2:cpuacct:/x\n"
                             "0::/user.slice/session-1.scope\n";
    CHECK(*cgroup_path(self, "cpu") == "/ferry-client");
    CHECK(*cgroup_path(self, "cpuacct") == "/ferry-client");
    CHECK(*cgroup_path(self, "") == "/user.slice/session-1.scope");
    CHECK(!cgroup_path(self, "memory"));
    CHECK(!cgroup_path("garbage\n::\n", "cpu"));

    const std::string mounts =
        "30 25 0:26 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu\n"
        "31 25 0:27 /docker/abc /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct\n"
        "32 25 0:28 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
        "bad line\n";
    auto cpu = cgroup_mount(mounts, "cpu");
    REQUIRE(cpu);
    CHECK(cpu->mount_point == "/sys/fs/cgroup/cpu");
    CHECK(*cgroup_dir(*cpu, "/ferry-client") == "/sys/fs/cgroup/cpu/ferry-client");
    CHECK(*cgroup_dir(*cpu, "/") == "/sys/fs/cgroup/cpu");
    auto acct = cgroup_mount(mounts, "cpuacct");
    REQUIRE(acct);
    CHECK(acct->root == "/docker/abc");
    CHECK(*cgroup_dir(*acct, "/docker/abc/build") == "/sys/fs/cgroup/cpuacct/build");
    CHECK(!cgroup_dir(*acct, "/other"));
    CHECK(!cgroup_dir(*cpu, "/a/../../etc"));
    CHECK(cgroup_mount(mounts, "")->mount_point == "/sys/fs/cgroup/unified");
    CHECK(!cgroup_mount(mounts, "memory"));
}

TEST_CASE("cpu meter: quotas") {
    CHECK(*parse_cfs_quota("40000\n", "100000\n") == doctest::Approx(0.4));
    CHECK(!parse_cfs_quota("-1\n", "100000\n"));
    CHECK(!parse_cfs_quota("x", "100000"));
    CHECK(*parse_cpu_max("150000 100000\n") == doctest::Approx(1.5));
    CHECK(!parse_cpu_max("max 100000\n"));
    CHECK(!parse_cpu_max("0 100000\n"));
    CHECK(*parse_cpu_stat_usage_ns("usage_usec 1500\nuser_usec 1000\n") == 1'500'000);
    CHECK(!parse_cpu_stat_usage_ns("user_usec 1000\n"));
}

TEST_CASE("cpu meter: idle CPUs between two readings") {
    CHECK(idle_cpus({0, 0}, {500'000'000, 1'000'000'000}, 2.0) == doctest::Approx(1.5));
    CHECK(idle_cpus({0, 0}, {3'000'000'000, 1'000'000'000}, 2.0) == 0); // over capacity
    CHECK(idle_cpus({5, 10}, {4, 20}, 2.0) == 0);                       // a counter went back
    CHECK(idle_cpus({0, 10}, {0, 10}, 2.0) == 0);                       // no time passed
}

TEST_CASE("cpu meter: a v1 quota on a parent cgroup binds, and the cgroup's own use is read") {
    auto tmp = TempDir::create("/tmp", "ferry-cpu-meter-");
    REQUIRE(tmp);
    const std::string root = tmp->path();
    REQUIRE(make_dirs(root + "/proc"));
    REQUIRE(make_dirs(root + "/cg/cpu/farm/client"));
    REQUIRE(make_dirs(root + "/cg/acct/farm/client"));
    REQUIRE(write_file(root + "/proc/cgroup", "3:cpu:/farm/client\n2:cpuacct:/farm/client\n"));
    REQUIRE(write_file(root + "/proc/mountinfo",
                       "30 25 0:26 / /cg/cpu rw - cgroup cgroup rw,cpu\n"
                       "31 25 0:27 / /cg/acct rw - cgroup cgroup rw,cpuacct\n"));
    REQUIRE(write_file(root + "/cg/cpu/cpu.cfs_quota_us", "-1\n"));
    REQUIRE(write_file(root + "/cg/cpu/cpu.cfs_period_us", "100000\n"));
    REQUIRE(write_file(root + "/cg/cpu/farm/cpu.cfs_quota_us", "40000\n"));
    REQUIRE(write_file(root + "/cg/cpu/farm/cpu.cfs_period_us", "100000\n"));
    REQUIRE(write_file(root + "/cg/cpu/farm/client/cpu.cfs_quota_us", "-1\n"));
    REQUIRE(write_file(root + "/cg/cpu/farm/client/cpu.cfs_period_us", "100000\n"));
    REQUIRE(write_file(root + "/cg/acct/farm/client/cpuacct.usage", "123456789\n"));
    CpuSources sources;
    sources.self_cgroup = root + "/proc/cgroup";
    sources.mountinfo = root + "/proc/mountinfo";
    sources.root = root;
    CpuMeter meter = CpuMeter::detect(sources);
    CHECK(meter.capacity() == doctest::Approx(0.4));
    CHECK(meter.describe().find("cgroup v1 quota 0.40") == 0);
    auto reading = meter.read();
    REQUIRE(reading);
    CHECK(reading->used_ns == 123456789);
}

TEST_CASE("cpu meter: without a quota, this machine's /proc/stat") {
    CpuSources sources;
    sources.self_cgroup = "/nonexistent/cgroup";
    CpuMeter meter = CpuMeter::detect(sources);
    CHECK(meter.describe().find("/proc/stat") == 0);
    CHECK(meter.capacity() >= 1);
    auto a = meter.read();
    REQUIRE(a);
    CHECK(a->used_ns > 0);
}

TEST_CASE("local offload: only measured idle CPU takes a queued job, one CPU per job") {
    LocalOffload offload;
    CHECK(!offload.take(3, 2)); // nothing measured yet
    offload.measured(0.2);
    CHECK(!offload.take(3, 2)); // the client is the bottleneck: never
    offload.measured(2.0);      // one quiet interval after a busy one is not enough
    CHECK(!offload.take(3, 2));
    offload.measured(2.0); // idle over a whole second: two CPUs, two compiles
    CHECK(offload.take(3, 2));
    CHECK(offload.take(3, 2));
    CHECK(!offload.take(3, 2)); // both idle CPUs booked
    offload.measured(2.0);      // the bookings hold: the compiles have not shown yet
    CHECK(!offload.take(3, 2));
    offload.measured(2.0);
    CHECK(!offload.take(3, 2));
    offload.measured(2.0); // the booking has expired: its use would show by now
    CHECK(offload.take(3, 2));
    offload.measured(0.1); // a load began: at once
    offload.measured(0.1);
    offload.measured(0.1);
    CHECK(!offload.take(3, 2));
    CHECK(!offload.take(0, 2)); // nothing queued
    offload.measured(4.0);
    offload.measured(4.0);
    CHECK(!offload.take(3, 0)); // no local slot free
}

TEST_CASE("local offload: a quarter of a compile's CPU idle takes one (it runs at idle priority)") {
    LocalOffload offload;
    offload.measured(0.3);
    offload.measured(0.3);
    CHECK(offload.take(3, 2));  // a compile at idle priority only slows itself
    CHECK(!offload.take(3, 2)); // one CPU booked, 0.3 idle
    offload.measured(0.24);
    offload.measured(0.24);
    offload.measured(0.24);
    CHECK(!offload.take(3, 2)); // below a quarter: it would take four times its own time
}

TEST_CASE("local offload: under a quota below one CPU, a compile takes the whole budget") {
    // bench/farm's client: 0.4 CPU. A compile here uses all of it; a quarter of it idle
    // (0.1 CPU) takes one.
    LocalOffload offload;
    offload.set_budget(0.4);
    offload.measured(0.08);
    offload.measured(0.08);
    CHECK(!offload.take(3, 2)); // 80% busy: make, the wrappers and the coordinator use it
    offload.measured(0.11);
    offload.measured(0.11);
    CHECK(offload.take(3, 2));  // 73% busy, as when feeding six runner slots
    CHECK(!offload.take(3, 2)); // the one compile has booked the budget
    // A budget of one CPU or more is counted in CPUs, as before.
    offload.set_budget(4);
    offload.measured(0.2);
    offload.measured(0.2);
    CHECK(!offload.take(3, 2));
}

TEST_CASE("local offload: a followed compile stays booked until it ends") {
    LocalOffload offload;
    offload.measured(1.0);
    offload.measured(1.0);
    CHECK(offload.take(3, 2));
    offload.started(); // its CPU now comes back as idle: the readings stay at 1.0
    CHECK(!offload.take(3, 2));
    for (int i = 0; i < LocalOffload::kBookedReadings + 2; ++i)
        offload.measured(1.0);
    CHECK(!offload.take(3, 2)); // still running: booked past kBookedReadings
    offload.finished();
    // The next one at once, on the last reading (the service asks when the slot is freed),
    // not two readings later.
    CHECK(offload.take(3, 2));
    offload.finished(); // a finish it never started changes nothing
    CHECK(!offload.take(3, 2));
}
