#include "util/fs.hpp"
#include "util/subprocess.hpp"
#include "util/temp_dir.hpp"

#include <csignal>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ferry;

TEST_CASE("run_process captures output and exit status") {
    RunOptions o;
    o.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"};
    auto r = run_process(o);
    REQUIRE(r);
    CHECK(r->out == "out\n");
    CHECK(r->err == "err\n");
    CHECK(r->exit_code == 3);
    CHECK(r->shell_status() == 3);
}

TEST_CASE("run_process reports signals and missing programs") {
    RunOptions o;
    o.argv = {"sh", "-c", "kill -9 $$"};
    auto r = run_process(o);
    REQUIRE(r);
    CHECK(r->term_signal == 9);
    CHECK(r->shell_status() == 137);

    RunOptions missing;
    missing.argv = {"/nonexistent/ferry-no-such-program"};
    missing.program = missing.argv[0];
    auto m = run_process(missing);
    REQUIRE_FALSE(m);
    CHECK(m.error().code == Errc::not_found);
}

TEST_CASE("children inherit no descriptor above 2") {
    // A non-CLOEXEC descriptor, like make's jobserver pipe as a child of make sees it.
    int raw[2];
    REQUIRE(::pipe(raw) == 0);
    // High numbers, so they cannot be confused with the fd ls opens for the listing.
    int fds[2] = {::dup2(raw[0], 57), ::dup2(raw[1], 58)};
    ::close(raw[0]);
    ::close(raw[1]);
    RunOptions o;
    o.argv = {"sh", "-c", "ls /proc/self/fd"};
    auto r = run_process(o);
    ::close(fds[0]);
    ::close(fds[1]);
    REQUIRE(r);
    // ls sees 0, 1, 2 and the directory fd it opened itself: nothing of ours.
    CHECK(r->out.find(std::to_string(fds[0]) + "\n") == std::string::npos);
    CHECK(r->out.find(std::to_string(fds[1]) + "\n") == std::string::npos);
}

TEST_CASE("run_process uses cwd and env") {
    RunOptions o;
    o.argv = {"sh", "-c", "pwd; echo $FERRY_X"};
    o.program = "/bin/sh";
    o.cwd = "/tmp";
    o.env = std::vector<std::string>{"FERRY_X=42"};
    auto r = run_process(o);
    REQUIRE(r);
    CHECK(r->out == "/tmp\n42\n");
}

TEST_CASE("children start with default signal dispositions and nothing blocked") {
    // As in ferryd (SIGPIPE ignored) and ferry make (SIGINT blocked for its signalfd).
    auto old_pipe = ::signal(SIGPIPE, SIG_IGN);
    sigset_t block, old_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    ::sigprocmask(SIG_BLOCK, &block, &old_mask);
    RunOptions o;
    o.argv = {"sh", "-c", "grep -E '^Sig(Ign|Blk):' /proc/self/status"};
    auto r = run_process(o);
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    ::signal(SIGPIPE, old_pipe);
    REQUIRE(r);
    auto mask_of = [&](const std::string& field) {
        auto at = r->out.find(field + ":");
        REQUIRE(at != std::string::npos);
        return std::stoull(r->out.substr(at + field.size() + 1), nullptr, 16);
    };
    const unsigned long long pipe_bit = 1ull << (SIGPIPE - 1), int_bit = 1ull << (SIGINT - 1);
    CHECK((mask_of("SigIgn") & pipe_bit) == 0);
    CHECK((mask_of("SigBlk") & int_bit) == 0);
}

TEST_CASE("a detached helper: its own session, stdio on /dev/null, no descriptor above 2") {
    auto dir = TempDir::create("/tmp", "ferry-detached-");
    REQUIRE(dir);
    const std::string log = dir->path() + "/helper.log";
    int raw[2];
    REQUIRE(::pipe(raw) == 0); // not CLOEXEC, like make's jobserver pipe
    int fds[2] = {::dup2(raw[0], 57), ::dup2(raw[1], 58)};
    ::close(raw[0]);
    ::close(raw[1]);
    // One line to stderr, the log: the shell's stdin and stdout (read before any redirection:
    // dash moves a redirected fd aside in the shell itself), the fds a child of the helper
    // sees (ls's own directory fd among them), its pid and session.
    auto pid =
        spawn_detached({"sh", "-c",
                        "io=$(readlink /proc/$$/fd/0 /proc/$$/fd/1); fds=$(ls /proc/self/fd); "
                        "echo $io $fds pid $$ sid $(cut -d' ' -f6 /proc/$$/stat) >&2"},
                       "/bin/sh", log);
    ::close(fds[0]);
    ::close(fds[1]);
    REQUIRE(pid);
    int status = 0;
    REQUIRE(::waitpid(*pid, &status, 0) == *pid);
    CHECK(WIFEXITED(status));
    auto text = read_file(log);
    REQUIRE(text);
    CHECK(text->rfind("/dev/null /dev/null 0 1 2 ", 0) == 0);
    CHECK(text->find(" 57 ") == std::string::npos);
    CHECK(text->find(" 58 ") == std::string::npos);
    const std::string id = std::to_string(*pid);
    CHECK(text->find("pid " + id + " sid " + id + "\n") != std::string::npos);
}
