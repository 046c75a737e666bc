// The network namespaces ferryd lends to jobs (net_namespace.hpp), made by the real
// ferryd-exec. A lent namespace must be a new one, owned by its own user namespace (so that a
// job, whose user namespace is made inside that one, holds no capability over it).
#include "remote/runner/net_namespace.hpp"
#include "remote/runner/sandbox_setup.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <linux/nsfs.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::runner;

namespace {

std::string link_of(const std::string& path) {
    char buf[256];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::string fd_link(int fd) {
    return link_of("/proc/self/fd/" + std::to_string(fd));
}

} // namespace

TEST_CASE("make_net_namespace: a new network namespace, owned by a new user namespace") {
    auto ns = make_net_namespace(FERRYD_EXEC);
    REQUIRE_MESSAGE(ns, (ns ? "" : ns.error().message));
    const std::string net = fd_link(ns->net.get()), user = fd_link(ns->user.get());
    CHECK(net.rfind("net:[", 0) == 0);
    CHECK(user.rfind("user:[", 0) == 0);
    CHECK(net != link_of("/proc/self/ns/net"));
    CHECK(user != link_of("/proc/self/ns/user"));
    // The network namespace's owner is the user namespace that came with it.
    Fd owner(::ioctl(ns->net.get(), NS_GET_USERNS));
    REQUIRE(owner);
    CHECK(fd_link(owner.get()) == user);

    auto other = make_net_namespace(FERRYD_EXEC);
    REQUIRE(other);
    CHECK(fd_link(other->net.get()) != net);
    CHECK(fd_link(other->user.get()) != user);
}

TEST_CASE("make_net_namespace: a helper that fails is an error naming it") {
    auto failed = make_net_namespace("/bin/false");
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message.find("/bin/false") != std::string::npos);
    // One that exits 0 without sending anything.
    auto silent = make_net_namespace("/bin/true");
    REQUIRE_FALSE(silent);
    CHECK(silent.error().message.find("network namespace") != std::string::npos);
    CHECK_FALSE(make_net_namespace("/nonexistent/ferryd-exec"));

    // One that sends two fds that are not namespaces (its stdin, /dev/null, twice).
    auto dir = TempDir::create("/tmp", "ferry-net-test-");
    REQUIRE(dir);
    const std::string liar = dir->path() + "/liar";
    REQUIRE(write_file(liar, "#!/usr/bin/python3\nimport socket\n"
                             "socket.send_fds(socket.socket(fileno=3), [b'n'], [0, 0])\n"));
    REQUIRE(::chmod(liar.c_str(), 0755) == 0);
    auto lied = make_net_namespace(liar);
    REQUIRE_FALSE(lied);
    CHECK(lied.error().message.find("not a user and a network namespace") != std::string::npos);
}

TEST_CASE("NetNamespacePool: lends each namespace to one borrower at a time") {
    std::optional<Error> failure;
    auto pool = NetNamespacePool::make(FERRYD_EXEC, 2, &failure);
    CHECK_FALSE(failure);
    CHECK(pool.made() == 2);
    auto first = pool.take(), second = pool.take();
    REQUIRE(first);
    REQUIRE(second);
    CHECK(fd_link(first->net.get()) != fd_link(second->net.get()));
    CHECK_FALSE(pool.take());
    const std::string lent = fd_link(first->net.get());
    pool.give(std::move(*first));
    CHECK(pool.available() == 1);
    auto again = pool.take();
    REQUIRE(again);
    CHECK(fd_link(again->net.get()) == lent);

    auto broken = NetNamespacePool::make("/bin/false", 3, &failure);
    CHECK(broken.made() == 0);
    CHECK_FALSE(broken.take());
    REQUIRE(failure);
}

TEST_CASE("check_sandbox enters a sandbox that joins a lent namespace") {
    auto dir = TempDir::create("/tmp", "ferry-net-test-");
    REQUIRE(dir);
    auto ns = make_net_namespace(FERRYD_EXEC);
    REQUIRE(ns);
    auto joined = check_sandbox(FERRYD_EXEC, dir->path(), &*ns);
    CHECK_MESSAGE(joined, (joined ? "" : joined.error().message));
    // fds the helper cannot join (both the same network namespace): the check says so.
    NetNamespace wrong;
    wrong.user = Fd(::dup(ns->net.get()));
    wrong.net = Fd(::dup(ns->net.get()));
    auto refused = check_sandbox(FERRYD_EXEC, dir->path(), &wrong);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("setns") != std::string::npos);
}
