#include "jobserver/client.hpp"
#include "jobserver/token_pool.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace ferry;
using namespace ferry::jobserver;

namespace {

std::string pipe_flags(const Fd& r, const Fd& w) {
    return " -j3 --jobserver-auth=" + std::to_string(r.get()) + "," + std::to_string(w.get());
}

} // namespace

TEST_CASE("client: implicit token first, then bytes, each written back") {
    auto pool = TokenPool::create_pipe(3);
    REQUIRE(pool);
    auto r = pool->child_read_fd();
    auto w = pool->child_write_fd();
    REQUIRE(r);
    REQUIRE(w);
    auto client = Client::from_makeflags(pipe_flags(*r, *w));
    REQUIRE(client);
    {
        auto t1 = client->try_acquire();
        REQUIRE(t1);
        CHECK(t1->is_implicit());
        auto t2 = client->try_acquire();
        auto t3 = client->try_acquire();
        REQUIRE(t2);
        REQUIRE(t3);
        CHECK(t2->valid());
        CHECK(t3->valid());
        CHECK(t2->byte() == '+');
        auto t4 = client->try_acquire();
        REQUIRE(t4);
        CHECK_FALSE(t4->valid()); // the pool is empty
        auto timed = client->acquire(-1, 50);
        REQUIRE_FALSE(timed);
        CHECK(timed.error().code == Errc::timeout);
    } // every token goes back here
    auto acc = pool->drain();
    REQUIRE(acc);
    CHECK(acc->complete());
    CHECK(acc->returned == 2);
}

TEST_CASE("client: acquire waits without spinning and wakes on a returned token") {
    auto pool = TokenPool::create_pipe(2);
    REQUIRE(pool);
    auto r = pool->child_read_fd();
    auto w = pool->child_write_fd();
    REQUIRE(r);
    REQUIRE(w);
    auto client = Client::from_makeflags(pipe_flags(*r, *w));
    REQUIRE(client);
    auto implicit = client->acquire();
    REQUIRE(implicit);
    auto held = client->acquire();
    REQUIRE(held);
    CHECK_FALSE(held->is_implicit());
    // Another thread gives the explicit token back after a while.
    std::thread giver([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        held->release();
    });
    auto start = std::chrono::steady_clock::now();
    clock_t cpu0 = std::clock();
    auto t = client->acquire(-1, 5000);
    clock_t cpu1 = std::clock();
    giver.join();
    REQUIRE(t);
    CHECK(t->valid());
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(90));
    // A busy loop would burn ~100 ms of CPU here.
    CHECK(double(cpu1 - cpu0) / CLOCKS_PER_SEC < 0.05);
}

TEST_CASE("client: a cancel fd interrupts the wait (signals arrive as readable fds)") {
    auto pool = TokenPool::create_pipe(1);
    REQUIRE(pool);
    auto r = pool->child_read_fd();
    auto w = pool->child_write_fd();
    REQUIRE(r);
    REQUIRE(w);
    auto client = Client::from_makeflags(pipe_flags(*r, *w));
    REQUIRE(client);
    auto implicit = client->acquire();
    REQUIRE(implicit);
    int p[2];
    REQUIRE(::pipe(p) == 0);
    Fd cancel_r(p[0]), cancel_w(p[1]);
    REQUIRE(::write(cancel_w.get(), "x", 1) == 1);
    auto t = client->acquire(cancel_r.get(), 5000);
    REQUIRE_FALSE(t);
    CHECK(t.error().code == Errc::unavailable);
}

TEST_CASE("client: the fifo style") {
    auto pool = TokenPool::create_fifo(3, "/tmp");
    REQUIRE(pool);
    auto client = Client::from_makeflags(" -j3 --jobserver-auth=fifo:" + pool->fifo_path());
    REQUIRE(client);
    {
        auto a = client->acquire();
        auto b = client->acquire();
        auto c = client->acquire();
        REQUIRE(a);
        REQUIRE(b);
        REQUIRE(c);
        CHECK(a->is_implicit());
        CHECK_FALSE(c->is_implicit());
    }
    auto acc = pool->drain();
    REQUIRE(acc);
    CHECK(acc->complete());
    CHECK(acc->returned == 2);
}

TEST_CASE("client: closed fds, non-pipes, missing fifos and dry runs") {
    auto closed = Client::from_makeflags(" -j2 --jobserver-auth=900,901");
    REQUIRE_FALSE(closed);
    CHECK(closed.error().code == Errc::unavailable);
    CHECK(closed.error().message.find("'+'") != std::string::npos);

    // A regular file is not a jobserver.
    Fd regular(::open("/proc/self/status", O_RDONLY | O_CLOEXEC));
    auto notpipe = Client::from_makeflags(" --jobserver-auth=" + std::to_string(regular.get()) +
                                          "," + std::to_string(regular.get()));
    REQUIRE_FALSE(notpipe);
    CHECK(notpipe.error().code == Errc::unavailable);

    auto nofifo = Client::from_makeflags(" --jobserver-auth=fifo:/nonexistent/ferry/fifo");
    REQUIRE_FALSE(nofifo);
    CHECK(nofifo.error().code == Errc::unavailable);

    auto none = Client::from_makeflags(" -k");
    REQUIRE_FALSE(none);
    CHECK(none.error().code == Errc::not_found);
    auto dry = Client::from_makeflags("n --jobserver-auth=3,4");
    REQUIRE_FALSE(dry);
    CHECK(dry.error().code == Errc::not_found);
}

TEST_CASE("client: a process killed while holding a token leaves it to the pool's account") {
    auto pool = TokenPool::create_pipe(3);
    REQUIRE(pool);
    auto r = pool->child_read_fd();
    auto w = pool->child_write_fd();
    REQUIRE(r);
    REQUIRE(w);
    pid_t pid = ::fork();
    if (pid == 0) {
        auto client = Client::from_makeflags(pipe_flags(*r, *w));
        if (!client) ::_exit(2);
        auto implicit = client->acquire();
        auto t = client->acquire();
        if (!t || !t->valid()) ::_exit(3);
        ::kill(::getpid(), SIGKILL); // no destructor runs
        ::_exit(4);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
    auto acc = pool->drain();
    REQUIRE(acc);
    CHECK(acc->expected == 2);
    CHECK(acc->returned == 1);
    CHECK(acc->leaked() == 1);
}
