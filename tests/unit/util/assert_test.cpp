#include "util/assert.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

#include <csignal>
#include <doctest/doctest.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace ferry;

namespace {

struct Outcome {
    int signal = 0;
    std::string stderr_text;
};

// Runs `body` in a child with stderr on a pipe.
template <typename Body> Outcome in_child(Body body) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    Fd read_end(fds[0]), write_end(fds[1]);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const rlimit no_core{0, 0};
        ::setrlimit(RLIMIT_CORE, &no_core);
        // doctest's crash handler, inherited, would report the abort as this test's failure.
        ::signal(SIGABRT, SIG_DFL);
        ::dup2(write_end.get(), STDERR_FILENO);
        body();
        ::_exit(0);
    }
    write_end = Fd();
    auto text = read_fd(read_end.get(), 1 << 16, "child's stderr");
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    Outcome out;
    out.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (text) out.stderr_text = *text;
    return out;
}

} // namespace

TEST_CASE("FERRY_ASSERT aborts with file, line and reason, in every build type") {
    auto failed = in_child([] {
        const int slots = 3;
        FERRY_ASSERT(slots == 4, "four slots");
    });
    CHECK(failed.signal == SIGABRT);
    CHECK(failed.stderr_text.find("assert_test.cpp:") != std::string::npos);
    CHECK(failed.stderr_text.find("four slots") != std::string::npos);
    CHECK(failed.stderr_text.find("slots == 4") != std::string::npos);

    auto held = in_child([] { FERRY_ASSERT(1 + 1 == 2, "arithmetic"); });
    CHECK(held.signal == 0);
    CHECK(held.stderr_text.empty());
}
