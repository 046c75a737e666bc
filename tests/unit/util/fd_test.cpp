#include "util/fd.hpp"

#include <cerrno>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

using namespace ferry;

namespace {

// Whether `fd` names an open descriptor of this process (the kernel's view, not Fd's).
bool is_open(int fd) {
    errno = 0;
    return ::fcntl(fd, F_GETFD) != -1 || errno != EBADF;
}

int open_null() {
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    return fd;
}

} // namespace

TEST_CASE("an Fd closes its descriptor when it goes out of scope") {
    int raw = open_null();
    {
        Fd fd(raw);
        CHECK(fd.valid());
        CHECK(fd.get() == raw);
        CHECK(is_open(raw));
    }
    CHECK_FALSE(is_open(raw));
}

TEST_CASE("an empty Fd owns nothing") {
    Fd fd;
    CHECK_FALSE(fd.valid());
    CHECK_FALSE(fd);
    CHECK(fd.get() == -1);
    CHECK(fd.release() == -1);
}

TEST_CASE("moving an Fd hands the descriptor over; only the new owner closes it") {
    int raw = open_null();
    Fd to;
    {
        Fd from(raw);
        to = std::move(from);
        CHECK_FALSE(from.valid());
        CHECK(to.get() == raw);
    }
    CHECK(is_open(raw)); // the moved-from Fd closed nothing when it went
    Fd constructed(std::move(to));
    CHECK_FALSE(to.valid());
    CHECK(constructed.get() == raw);
    constructed.reset();
    CHECK_FALSE(is_open(raw));
}

TEST_CASE("assigning over an Fd closes the descriptor it held") {
    int first = open_null();
    int second = open_null();
    Fd held(first);
    held = Fd(second);
    CHECK_FALSE(is_open(first));
    CHECK(is_open(second));
    CHECK(held.get() == second);
    // Self-assignment keeps it open.
    Fd& alias = held;
    held = std::move(alias);
    CHECK(is_open(second));
    CHECK(held.get() == second);
}

TEST_CASE("reset closes the old descriptor; release gives it up without closing") {
    int first = open_null();
    int second = open_null();
    Fd fd(first);
    fd.reset(second);
    CHECK_FALSE(is_open(first));
    CHECK(fd.get() == second);
    int released = fd.release();
    CHECK(released == second);
    CHECK_FALSE(fd.valid());
    CHECK(is_open(second)); // ours to close now
    ::close(released);
}
