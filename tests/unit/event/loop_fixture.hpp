// A loop for one test, ended with the checked teardown, and a connected pair of sockets: one
// end for libuv, the other a plain fd the test writes and reads as the peer.
#pragma once

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

} // namespace ferry::event::test
