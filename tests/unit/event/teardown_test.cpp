#include "event/handle.hpp"
#include "event/teardown.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::event;

TEST_CASE("the teardown of a loop whose handles were all closed succeeds") {
    uv_loop_t loop{};
    REQUIRE(uv_loop_init(&loop) == 0);
    {
        auto timer = Handle<uv_timer_t>::create(
            "uv_timer_init", nullptr, [&](uv_timer_t* t) { return uv_timer_init(&loop, t); });
        REQUIRE(timer);
    } // closed here; freed by the teardown's run
    auto closed = close_loop(&loop);
    CHECK_MESSAGE(closed, (closed ? "" : closed.error().message));
}

TEST_CASE("a handle left open is found by the teardown and named by its type") {
    uv_loop_t loop{};
    REQUIRE(uv_loop_init(&loop) == 0);
    uv_timer_t leaked{};
    REQUIRE(uv_timer_init(&loop, &leaked) == 0);
    REQUIRE(uv_timer_start(
                &leaked, [](uv_timer_t*) {}, 60000, 0) == 0);
    uv_idle_t idle{};
    REQUIRE(uv_idle_init(&loop, &idle) == 0);
    auto open = open_handles(&loop);
    std::sort(open.begin(), open.end());
    CHECK(open == std::vector<std::string>{"idle", "timer"});
    auto closed = close_loop(&loop); // must not wait for the timer's minute
    REQUIRE_FALSE(closed);
    CHECK(closed.error().code == Errc::internal);
    CHECK(closed.error().message.find("timer") != std::string::npos);
    CHECK(closed.error().message.find("idle") != std::string::npos);
}
