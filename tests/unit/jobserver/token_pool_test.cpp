#include "jobserver/token_pool.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::jobserver;

namespace {

// Reads up to n tokens through `fd` without blocking; returns how many it got.
int take(int fd, int n) {
    int got = 0;
    int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    for (; got < n; ++got) {
        char c;
        if (::read(fd, &c, 1) != 1) break;
    }
    ::fcntl(fd, F_SETFL, flags);
    return got;
}

void give(int fd, int n) {
    for (int i = 0; i < n; ++i)
        REQUIRE(::write(fd, "+", 1) == 1);
}

} // namespace

TEST_CASE("pipe pool holds size - 1 tokens and accounts for them") {
    auto pool = TokenPool::create_pipe(5);
    REQUIRE(pool);
    CHECK(pool->size() == 5);
    CHECK(pool->issued() == 4);
    auto r = pool->child_read_fd();
    auto w = pool->child_write_fd();
    REQUIRE(r);
    REQUIRE(w);
    CHECK(take(r->get(), 10) == 4);
    give(w->get(), 3); // one kept by a "client"
    auto acc = pool->drain();
    REQUIRE(acc);
    CHECK(acc->expected == 4);
    CHECK(acc->returned == 3);
    CHECK(acc->leaked() == 1);
    CHECK_FALSE(acc->complete());
}

TEST_CASE("a child setting O_NONBLOCK on its read side does not touch ours") {
    auto pool = TokenPool::create_pipe(2);
    REQUIRE(pool);
    auto r = pool->child_read_fd();
    REQUIRE(r);
    // make 4.3 does this to the fd it is given.
    ::fcntl(r->get(), F_SETFL, ::fcntl(r->get(), F_GETFL) | O_NONBLOCK);
    CHECK((::fcntl(r->get(), F_GETFL) & O_NONBLOCK) != 0);
    // The child's description is blocking until it says otherwise; ours is always
    // non-blocking, and independent of the child's.
    auto r2 = pool->child_read_fd();
    REQUIRE(r2);
    CHECK((::fcntl(r2->get(), F_GETFL) & O_NONBLOCK) == 0);
    CHECK((::fcntl(pool->read_fd(), F_GETFL) & O_NONBLOCK) != 0);
}

TEST_CASE("shrinking retires tokens only as they come back; growing adds at once") {
    auto pool = TokenPool::create_pipe(4);
    REQUIRE(pool);
    auto r = pool->child_read_fd();
    auto w = pool->child_write_fd();
    REQUIRE(r);
    REQUIRE(w);
    CHECK(take(r->get(), 3) == 3); // clients hold all three
    REQUIRE(pool->set_size(2));    // one token must go
    CHECK(pool->wants_tokens());
    CHECK(pool->issued() == 3);
    give(w->get(), 2); // two come back
    REQUIRE(pool->reclaim());
    CHECK_FALSE(pool->wants_tokens());
    CHECK(pool->issued() == 1);
    // The one token left in circulation is the one a client still holds.
    CHECK(take(r->get(), 10) == 0);
    give(w->get(), 1); // the last holder returns it
    REQUIRE(pool->set_size(6));
    CHECK(pool->issued() == 5);
    CHECK(take(r->get(), 10) == 5);
    give(w->get(), 5);
    auto acc = pool->drain();
    REQUIRE(acc);
    CHECK(acc->complete());
    CHECK(acc->returned == 5);
}

TEST_CASE("fifo pool: 0600, in a private directory, removed with the pool") {
    std::string path, dir;
    ::umask(0);
    {
        auto pool = TokenPool::create_fifo(3, "/tmp");
        REQUIRE(pool);
        path = pool->fifo_path();
        dir = path.substr(0, path.rfind('/'));
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK(S_ISFIFO(st.st_mode));
        CHECK((st.st_mode & 0777) == 0600);
        REQUIRE(::stat(dir.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0700);
        // A client opens it by path, like ninja >= 1.13 does.
        int r = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
        REQUIRE(r >= 0);
        CHECK(take(r, 10) == 2);
        ::close(r);
        // Moving the pool must not remove the fifo.
        TokenPool moved = std::move(*pool);
        CHECK(::access(path.c_str(), F_OK) == 0);
        auto acc = moved.drain();
        REQUIRE(acc);
        CHECK(acc->leaked() == 2);
    }
    ::umask(022);
    CHECK(::access(path.c_str(), F_OK) != 0);
    CHECK(::access(dir.c_str(), F_OK) != 0);
}
