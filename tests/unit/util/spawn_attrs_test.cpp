// SpawnAttrs used directly with posix_spawn, as util/subprocess and the runner's job launcher
// use it: whatever the parent ignores or blocks, the child starts with the defaults.
#include "util/fd.hpp"
#include "util/spawn_attrs.hpp"

#include <csignal>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using namespace ferry;

extern char** environ;

namespace {

// Runs `sh -c script` with `attrs` (stdout to a pipe) and returns what it printed.
std::string run_shell(SpawnAttrs& attrs, const std::string& script) {
    int raw[2];
    REQUIRE(::pipe2(raw, O_CLOEXEC) == 0);
    Fd read_end(raw[0]), write_end(raw[1]);
    posix_spawn_file_actions_adddup2(&attrs.actions, write_end.get(), STDOUT_FILENO);
    std::vector<std::string> argv = {"sh", "-c", script};
    auto args = c_strings(argv);
    pid_t pid = -1;
    REQUIRE(::posix_spawn(&pid, "/bin/sh", &attrs.actions, &attrs.attr, args.data(), environ) == 0);
    write_end.reset();
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(read_end.get(), buf, sizeof buf)) > 0;)
        out.append(buf, static_cast<size_t>(n));
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    return out;
}

unsigned long long mask_field(const std::string& status, const std::string& field) {
    auto at = status.find(field + ":");
    REQUIRE(at != std::string::npos);
    return std::stoull(status.substr(at + field.size() + 1), nullptr, 16);
}

} // namespace

TEST_CASE("a child starts with default dispositions and an empty mask") {
    // As in ferryd (SIGPIPE ignored) and ferry make (SIGINT and SIGCHLD blocked).
    auto old_pipe = ::signal(SIGPIPE, SIG_IGN);
    sigset_t block, old_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGCHLD);
    REQUIRE(::sigprocmask(SIG_BLOCK, &block, &old_mask) == 0);
    std::string status;
    {
        SpawnAttrs attrs;
        status = run_shell(attrs, "grep -E '^Sig(Ign|Blk):' /proc/self/status");
    }
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    ::signal(SIGPIPE, old_pipe);
    CHECK((mask_field(status, "SigIgn") & (1ull << (SIGPIPE - 1))) == 0);
    CHECK(mask_field(status, "SigBlk") == 0);
}

TEST_CASE("extra flags are added to the signal ones: POSIX_SPAWN_SETSID makes a session leader") {
    // The shell's own pid and session id (field 6 of /proc/PID/stat: its name, "(sh)", has
    // no space to shift the fields).
    const std::string script = "echo $$ $(cut -d' ' -f6 /proc/$$/stat)";
    std::string pid, sid;
    {
        SpawnAttrs attrs(POSIX_SPAWN_SETSID);
        auto out = run_shell(attrs, script);
        auto space = out.find(' ');
        REQUIRE(space != std::string::npos);
        pid = out.substr(0, space);
        sid = out.substr(space + 1, out.find('\n') - space - 1);
    }
    CHECK(pid == sid);
    SpawnAttrs plain;
    auto out = run_shell(plain, script);
    CHECK(out.substr(out.find(' ') + 1) == std::to_string(::getsid(0)) + "\n");
}

TEST_CASE("c_strings points into its strings and ends with a null pointer") {
    std::vector<std::string> v = {"gcc", "", "-c"};
    auto p = c_strings(v);
    REQUIRE(p.size() == 4);
    for (size_t i = 0; i < v.size(); ++i)
        CHECK(p[i] == v[i].c_str());
    CHECK(p[3] == nullptr);
    CHECK(c_strings({}).size() == 1);
}
