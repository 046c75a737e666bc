// A loop for one test, ended with the checked teardown, and a connected pair of sockets: one
// end for libuv, the other a plain fd the test writes and reads as the peer.
#pragma once

#include "event/handle.hpp"
#include "event/teardown.hpp"
#include "util/fd.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <functional>
#include <string>
#include <sys/socket.h>
#include <uv.h>

namespace ferry::event::test {

struct Loop {
    uv_loop_t loop{};
    Loop() { REQUIRE(uv_loop_init(&loop) == 0); }
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;
    // Every test ends here: a handle left open fails it.
    ~Loop() {
        auto closed = close_loop(&loop);
        CHECK_MESSAGE(closed, (closed ? "" : closed.error().message));
    }
    uv_loop_t* get() { return &loop; }
    // Runs the loop until `done` or 5 s; says whether `done` came.
    bool run_until(const std::function<bool()>& done) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            uv_run(&loop, UV_RUN_NOWAIT);
        }
        return true;
    }
    // A few turns of the loop, for what must not happen.
    void spin(int turns = 20) {
        for (int i = 0; i < turns; ++i)
            uv_run(&loop, UV_RUN_NOWAIT);
    }
};

struct SocketPair {
    Fd ours, peer;
    SocketPair() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
        ours = Fd(fds[0]);
        peer = Fd(fds[1]);
    }
};

// A pipe handle on `fd` (our end of a SocketPair).
inline Handle<uv_pipe_t> open_pipe(uv_loop_t* loop, Fd fd) {
    auto pipe = Handle<uv_pipe_t>::create(
        "uv_pipe_init", nullptr, [loop](uv_pipe_t* p) { return uv_pipe_init(loop, p, 0); });
    REQUIRE(pipe);
    REQUIRE(uv_pipe_open(pipe->get(), fd.release()) == 0);
    return std::move(*pipe);
}

} // namespace ferry::event::test
