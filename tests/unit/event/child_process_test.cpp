#include "event/child_process.hpp"
#include "loop_fixture.hpp"

#include <cerrno>
#include <csignal>
#include <dirent.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace ferry;
using namespace ferry::event;
using ferry::event::test::Loop;

namespace {

struct Exit {
    bool exited = false;
    int64_t status = -1;
    int signal = -1;
};

ChildSpec shell(const std::string& code) {
    ChildSpec spec;
    spec.program = "/bin/sh";
    spec.argv = {"sh", "-c", code};
    spec.env = {"PATH=/usr/bin:/bin"};
    return spec;
}

Result<ChildProcess> start(Loop& loop, const ChildSpec& spec, Exit& exit) {
    return ChildProcess::spawn(loop.get(), spec, [&exit](int64_t status, int sig) {
        exit.exited = true;
        exit.status = status;
        exit.signal = sig;
    });
}

// What the child wrote to a pipe, read after its exit.
struct Capture {
    Pipe pipe;
    Capture() {
        auto made = make_pipe();
        REQUIRE(made);
        pipe = std::move(*made);
    }
    std::string take() {
        pipe.write.reset();
        std::string out;
        char buf[256];
        for (ssize_t n; (n = ::read(pipe.read.get(), buf, sizeof buf)) > 0;)
            out.append(buf, static_cast<size_t>(n));
        return out;
    }
};

bool process_gone(pid_t pid) {
    return ::kill(pid, 0) != 0 && errno == ESRCH;
}

// A process of group `pgrp` that is still running (a dead one whose new parent, init, has not
// reaped it yet does not count).
bool group_running(pid_t pgrp) {
    DIR* proc = ::opendir("/proc");
    REQUIRE(proc);
    bool found = false;
    while (dirent* e = ::readdir(proc)) {
        std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
        std::string line;
        if (!std::getline(in, line) || line.rfind(')') == std::string::npos) continue;
        // After "(comm)": state, ppid, pgrp.
        std::istringstream rest(line.substr(line.rfind(')') + 1));
        char state = 0;
        long ppid = 0, group = 0;
        if (rest >> state >> ppid >> group && group == pgrp && state != 'Z') found = true;
    }
    ::closedir(proc);
    return found;
}

} // namespace

TEST_CASE("a child's exit status reaches its owner through the loop") {
    Loop loop;
    Exit exit;
    auto child = start(loop, shell("exit 3"), exit);
    REQUIRE(child);
    CHECK(child->pid() > 0);
    REQUIRE(loop.run_until([&] { return exit.exited; }));
    CHECK(exit.status == 3);
    CHECK(exit.signal == 0);
    CHECK_FALSE(child->running());
    CHECK(process_gone(child->pid())); // reaped, not a zombie
}

TEST_CASE("a child killed by a signal reports the signal, not a status") {
    Loop loop;
    Exit exit;
    auto child = start(loop, shell("kill -TERM $$; sleep 5"), exit);
    REQUIRE(child);
    REQUIRE(loop.run_until([&] { return exit.exited; }));
    CHECK(exit.signal == SIGTERM);
    CHECK(exit.status == 0);
}

TEST_CASE("a program that cannot start is an error naming it, and nothing is called") {
    Loop loop;
    Exit exit;
    ChildSpec spec = shell("true");
    spec.program = "/nonexistent/ferry-no-such-program";
    auto child = start(loop, spec, exit);
    REQUIRE_FALSE(child);
    CHECK(child.error().message.find("/nonexistent/ferry-no-such-program") != std::string::npos);
    loop.spin();
    CHECK_FALSE(exit.exited);
}

TEST_CASE("the child gets its stdout, stderr, working directory and environment, and no other fd") {
    Loop loop;
    Exit exit;
    Capture out, err;
    // An fd the daemon opened without close-on-exec must not reach a compiler.
    Fd leaky(::open("/dev/null", O_RDONLY));
    REQUIRE(leaky);
    ChildSpec spec = shell("pwd; echo \"$FERRY_TEST_VAR\"; echo oops >&2; "
                           "[ -e /proc/self/fd/" +
                           std::to_string(leaky.get()) + " ] && echo leaked; exit 0");
    spec.cwd = "/usr";
    spec.env.push_back("FERRY_TEST_VAR=seen");
    spec.stdout_fd = out.pipe.write.get();
    spec.stderr_fd = err.pipe.write.get();
    auto child = start(loop, spec, exit);
    REQUIRE(child);
    REQUIRE(loop.run_until([&] { return exit.exited; }));
    CHECK(exit.status == 0);
    CHECK(out.take() == "/usr\nseen\n");
    CHECK(err.take() == "oops\n");
}

TEST_CASE("new_session: the child leads its own session and process group") {
    Loop loop;
    Exit exit;
    Capture out;
    // Fields 5 and 6 of /proc/PID/stat: process group and session.
    ChildSpec spec = shell("read -r _ _ _ _ pgrp sid _ < /proc/$$/stat; echo \"$$ $pgrp $sid\"");
    spec.new_session = true;
    spec.stdout_fd = out.pipe.write.get();
    auto child = start(loop, spec, exit);
    REQUIRE(child);
    REQUIRE(loop.run_until([&] { return exit.exited; }));
    std::string pid = std::to_string(child->pid());
    CHECK(out.take() == pid + " " + pid + " " + pid + "\n");
}

TEST_CASE("dropping a running child kills its group and reaps it: no process, no zombie") {
    Loop loop;
    Exit exit;
    ChildSpec spec = shell("sleep 30 & sleep 30; wait");
    spec.new_session = true;
    pid_t pid = -1;
    {
        auto child = start(loop, spec, exit);
        REQUIRE(child);
        pid = child->pid();
        loop.spin();
    }
    loop.spin();
    CHECK_FALSE(exit.exited); // the owner is gone: no callback reaches it
    // SIGKILL is not instant: a child not yet dead when its owner went is reaped by a later
    // spawn. Spawn short children until it is gone (5 s at most).
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        Exit other;
        auto next = start(loop, shell("exit 0"), other);
        REQUIRE(next);
        REQUIRE(loop.run_until([&] { return other.exited; }));
        gone = process_gone(pid);
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    CHECK(gone);
    // Its group too: the backgrounded sleep died with it.
    for (int i = 0; i < 100 && group_running(pid); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK_FALSE(group_running(pid));
}

TEST_CASE("the owner may drop the child from inside its exit callback") {
    Loop loop;
    std::optional<ChildProcess> child;
    bool called = false;
    auto made = ChildProcess::spawn(loop.get(), shell("exit 0"), [&](int64_t, int) {
        called = true;
        child.reset();
    });
    REQUIRE(made);
    child = std::move(*made);
    REQUIRE(loop.run_until([&] { return called; }));
    CHECK_FALSE(child);
}
