#include "integrations/make/pool_session.hpp"
#include "util/fs.hpp"
#include "util/subprocess.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <string>
#include <sys/stat.h>

using namespace ferry;
using namespace ferry::integrations;

namespace {

// A capacity that follows a script: the n-th poll returns sizes[n] (the last repeats).
class ScriptedCapacity final : public CapacitySource {
  public:
    explicit ScriptedCapacity(std::vector<uint32_t> remote) : m_remote(std::move(remote)) {}
    Capacity poll() override {
        Capacity c;
        c.local = 1;
        c.reachable = true;
        c.remote = m_remote[std::min(m_polls, m_remote.size() - 1)];
        ++m_polls;
        return c;
    }
    size_t polls() const { return m_polls; }

  private:
    std::vector<uint32_t> m_remote;
    size_t m_polls = 0;
};

SessionOptions shell(const std::string& script) {
    SessionOptions o;
    o.argv = {"sh", "-c", script};
    o.env = current_environment();
    env_unset(o.env, "MAKEFLAGS");
    return o;
}

std::string slurp(const std::string& path) {
    auto r = read_file(path);
    return r ? *r : std::string("<missing>");
}

} // namespace

TEST_CASE("the command gets MAKEFLAGS, fds 3 and 4, and nothing else") {
    auto dir = TempDir::create("/tmp", "ferry-ps-");
    REQUIRE(dir);
    const std::string d = dir->path();
    ScriptedCapacity cap({4});
    auto o = shell("echo \"$MAKEFLAGS\" > " + d + "/mf; ls /proc/self/fd > " + d +
                   "/fds; dd if=/dev/fd/3 bs=1 count=100 iflag=nonblock 2>/dev/null | wc -c > " +
                   d + "/tokens; printf '++++' >&4");
    o.follow_capacity = false;
    CHECK(run_under_pool(o, cap) == 0);
    CHECK(slurp(d + "/mf") == " -j5 --jobserver-fds=3,4 --jobserver-auth=3,4\n");
    // stdio, the pool at 3 and 4, and the fd ls itself opens for the directory: nothing of
    // ours (coordinator socket, signalfd, the pool's own ends) leaks into the command.
    CHECK(slurp(d + "/fds") == "0\n1\n2\n3\n4\n5\n");
    CHECK(std::stoi(slurp(d + "/tokens")) == 4); // size 5 minus make's implicit token
}

TEST_CASE("exit status, signals and a leak report") {
    ScriptedCapacity cap({1});
    auto o = shell("exit 7");
    o.follow_capacity = false;
    CHECK(run_under_pool(o, cap) == 7);
    auto killed = shell("kill -KILL $$");
    killed.follow_capacity = false;
    CHECK(run_under_pool(killed, cap) == 128 + 9);
    auto missing = shell("");
    missing.argv = {"/nonexistent/ferry-no-such-tool"};
    missing.follow_capacity = false;
    CHECK(run_under_pool(missing, cap) == 127);
}

TEST_CASE("the pool follows capacity: grows at once, shrinks as tokens come back") {
    auto dir = TempDir::create("/tmp", "ferry-ps-");
    REQUIRE(dir);
    const std::string d = dir->path();
    auto log = d + "/log";
    ::setenv("FERRY_JOBSERVER_LOG", log.c_str(), 1);
    // Start at 2 remote + 1 local = 3 (2 tokens); then 6 (5 tokens); then 1 (0 tokens).
    ScriptedCapacity cap({2, 2, 5, 5, 0});
    auto o = shell(
        // take both tokens and hold them while the capacity grows
        "dd if=/dev/fd/3 bs=1 count=2 2>/dev/null > " + d +
        "/held; sleep 0.35; "
        "dd if=/dev/fd/3 bs=1 count=100 iflag=nonblock 2>/dev/null | wc -c > " +
        d +
        "/grown;"
        // give back everything; the pool now wants just 0
        "cat " +
        d +
        "/held >&4; printf '+++' >&4; sleep 0.35; "
        "dd if=/dev/fd/3 bs=1 count=100 iflag=nonblock 2>/dev/null | wc -c > " +
        d + "/shrunk");
    o.poll_interval_ms = 100;
    CHECK(run_under_pool(o, cap) == 0);
    ::unsetenv("FERRY_JOBSERVER_LOG");
    INFO(slurp(log));
    CHECK(std::stoi(slurp(d + "/grown")) == 3); // 5 tokens, 2 held
    CHECK(std::stoi(slurp(d + "/shrunk")) == 0);
    CHECK(slurp(log).find("resize 3 -> 6") != std::string::npos);
    CHECK(slurp(log).find("resize 6 -> 1") != std::string::npos);
    CHECK(slurp(log).find("end expected=0 returned=0") != std::string::npos);
}

TEST_CASE("fifo style: the path is in MAKEFLAGS, 0600, and gone afterwards") {
    auto dir = TempDir::create("/tmp", "ferry-ps-");
    REQUIRE(dir);
    const std::string d = dir->path();
    ScriptedCapacity cap({2});
    auto o = shell("echo \"$MAKEFLAGS\" > " + d + "/mf; echo \"$FERRY_JOBSERVER_POOL\" > " + d +
                   "/id; f=${MAKEFLAGS##*fifo:}; stat -c %a \"$f\" > " + d + "/mode");
    o.style = jobserver::ChildStyle::fifo;
    o.follow_capacity = false;
    CHECK(run_under_pool(o, cap) == 0);
    auto mf = slurp(d + "/mf");
    REQUIRE(mf.find("--jobserver-auth=fifo:") != std::string::npos);
    CHECK(mf.find("--jobserver-fds") == std::string::npos);
    CHECK(slurp(d + "/mode") == "600\n");
    std::string path = mf.substr(mf.find("fifo:") + 5);
    path.pop_back();
    CHECK(slurp(d + "/id") == "fifo:" + path + "\n");
    struct stat st {};
    CHECK(::stat(path.c_str(), &st) != 0);
}

TEST_CASE("a token is lent for each wrapper waiting for a local slot, up to the runners' slots") {
    Capacity c;
    c.remote = 2;
    c.local = 1;
    CHECK(c.total() == 3);
    c.local_waiting = 1;
    CHECK(c.lent() == 1);
    CHECK(c.total() == 4);
    c.local_waiting = 5;
    CHECK(c.lent() == 2); // more would be more jobs than the cluster runs
    CHECK(c.total() == 5);
    c.remote = 0; // no runner: nothing can go elsewhere meanwhile
    CHECK(c.lent() == 0);
    CHECK(c.total() == 1);
}

TEST_CASE("queue ahead: tokens for each busy runner slot only, with the loan on top") {
    Capacity c;
    c.remote = 4;
    c.local = 2;
    c.queue_ahead = 1;
    CHECK(c.ahead() == 0); // idle runners: make's own steps run at the cluster's size
    CHECK(c.total() == 6);
    c.remote_busy = 3;
    CHECK(c.ahead() == 3);
    CHECK(c.total() == 9);
    c.remote_busy = 7; // a stale count past the slots of the runners up lends no more
    CHECK(c.ahead() == 4);
    c.queue_ahead = 2;
    CHECK(c.ahead() == 8);
    c.local_waiting = 1;
    CHECK(c.total() == 4 + 2 + 1 + 8);
    c.queue_ahead = 0; // off: a token per slot and the loan
    CHECK(c.total() == 7);
    c.queue_ahead = 1;
    c.remote = 0; // the runners went down: nothing waits for them
    CHECK(c.ahead() == 0);
    CHECK(c.total() == 2);
    c.remote = c.remote_busy = 100; // a big farm, every slot busy: the lending is bounded
    c.queue_ahead = 8;
    CHECK(c.ahead() == ferry::integrations::kMaxAheadTokens);
    c.remote = c.remote_busy = 0xffffffffu; // no overflow on the way
    CHECK(c.ahead() == ferry::integrations::kMaxAheadTokens);
    c.local = 0xffffffffu; // nor in the sum: the largest pool, never a wrapped small one
    c.local_waiting = 0xffffffffu;
    CHECK(c.total() == 0xffffffffu);
}
