#include "event/handle.hpp"
#include "event/write.hpp"
#include "loop_fixture.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::event;
using ferry::event::test::Loop;
using ferry::event::test::open_pipe;
using ferry::event::test::SocketPair;

namespace {

std::string read_some(int fd) {
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

} // namespace

TEST_CASE("an owned write sends its bytes, then tells its outcome once") {
    Loop loop;
    SocketPair pair;
    Handle<uv_pipe_t> pipe = open_pipe(loop.get(), std::move(pair.ours));
    int calls = 0, status = 1;
    std::string bytes = "hello, peer";
    REQUIRE(write_string(pipe.stream(), bytes, [&](int s) {
        ++calls;
        status = s;
    }));
    CHECK(calls == 0); // never from inside the call
    REQUIRE(loop.run_until([&] { return calls > 0; }));
    CHECK(calls == 1);
    CHECK(status == 0);
    CHECK(read_some(pair.peer.get()) == bytes);
}

TEST_CASE("an owned write outlives its stream: closing the stream still ends it once") {
    Loop loop;
    SocketPair pair;
    Handle<uv_pipe_t> pipe = open_pipe(loop.get(), std::move(pair.ours));
    // Larger than the socket buffer: most of it is still queued when the stream closes.
    const std::string big(size_t(8) << 20, 'x');
    int calls = 0, status = 1;
    REQUIRE(write_string(pipe.stream(), big, [&](int s) {
        ++calls;
        status = s;
    }));
    CHECK(uv_stream_get_write_queue_size(pipe.stream()) > 0);
    pipe.reset();
    REQUIRE(loop.run_until([&] { return calls > 0; }));
    CHECK(calls == 1);
    CHECK(status == UV_ECANCELED);
    loop.spin();
    CHECK(calls == 1); // ASan: the request and its 8 MiB freed in the callback
}

TEST_CASE("a write that fails at once is an error and never calls back") {
    Loop loop;
    auto pipe = Handle<uv_pipe_t>::create(
        "uv_pipe_init", nullptr, [&](uv_pipe_t* p) { return uv_pipe_init(loop.get(), p, 0); });
    REQUIRE(pipe);
    int calls = 0;
    auto written = write_string(pipe->stream(), "x", [&](int) { ++calls; }); // no fd behind it
    CHECK_FALSE(written);
    loop.spin();
    CHECK(calls == 0);
}

TEST_CASE("shutdown_stream sends FIN after what was queued") {
    Loop loop;
    SocketPair pair;
    Handle<uv_pipe_t> pipe = open_pipe(loop.get(), std::move(pair.ours));
    REQUIRE(write_string(pipe.stream(), "last words"));
    REQUIRE(shutdown_stream(pipe.stream()));
    ::fcntl(pair.peer.get(), F_SETFL, O_NONBLOCK);
    std::string got;
    bool fin = false;
    REQUIRE(loop.run_until([&] {
        char buf[4096];
        ssize_t n = ::read(pair.peer.get(), buf, sizeof buf);
        if (n > 0) got.append(buf, static_cast<size_t>(n));
        fin = n == 0;
        return fin;
    }));
    CHECK(got == "last words");
}
