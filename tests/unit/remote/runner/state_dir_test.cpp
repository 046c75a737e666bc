// The state directories of killed ferryds are swept at the next start; live ones are not.
#include "remote/runner/state_dir.hpp"
#include "util/fs.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::runner;

namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// The pid of a process that has exited and been reaped.
pid_t dead_pid() {
    const pid_t pid = ::fork();
    if (pid == 0) ::_exit(0);
    REQUIRE(pid > 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return pid;
}

} // namespace

TEST_CASE("a new state directory records its ferryd; a killed ferryd's is swept") {
    auto parent = TempDir::create("/tmp", "ferry-state-test");
    REQUIRE(parent);
    const std::string root = parent->path();

    auto mine = create_state_dir(root);
    REQUIRE(mine);
    auto recorded = read_file(mine->path() + "/ferryd.pid");
    REQUIRE(recorded);
    CHECK(*recorded == std::to_string(::getpid()));

    REQUIRE(make_dirs(root + "/ferryd-killed/jobs/job-1"));
    REQUIRE(write_file(root + "/ferryd-killed/ferryd.pid", std::to_string(dead_pid())));
    REQUIRE(make_dirs(root + "/ferryd-alive"));
    REQUIRE(write_file(root + "/ferryd-alive/ferryd.pid", std::to_string(::getppid())));
    REQUIRE(make_dirs(root + "/ferryd-unknown")); // no record: not ours to judge
    REQUIRE(make_dirs(root + "/other-dead"));
    REQUIRE(write_file(root + "/other-dead/ferryd.pid", std::to_string(dead_pid())));

    auto removed = sweep_stale_state_dirs(root);
    CHECK(removed == std::vector<std::string>{root + "/ferryd-killed"});
    CHECK_FALSE(exists(root + "/ferryd-killed"));
    CHECK(exists(root + "/ferryd-alive"));
    CHECK(exists(root + "/ferryd-unknown"));
    CHECK(exists(root + "/other-dead"));
    CHECK(exists(mine->path())); // our own, recording our pid
}

TEST_CASE("the state directory goes to $TMPDIR, else to a tmpfs for a private cache, else /tmp") {
    CHECK(default_state_parent("/var/tmp/x", true) == "/var/tmp/x");
    CHECK(default_state_parent("/var/tmp/x", false) == "/var/tmp/x");
    // A cache kept on disk: its mirrors hard-link its entries, so the jobs stay off tmpfs.
    CHECK(default_state_parent(nullptr, false) == "/tmp");
    CHECK(default_state_parent("relative", false) == "/tmp");
    struct statfs fs {};
    const bool shm = ::statfs("/dev/shm", &fs) == 0 && fs.f_type == TMPFS_MAGIC &&
                     ::access("/dev/shm", W_OK | X_OK) == 0;
    CHECK(default_state_parent(nullptr, true) == (shm ? "/dev/shm" : "/tmp"));
    CHECK(default_state_parent("", true) == (shm ? "/dev/shm" : "/tmp"));
}
