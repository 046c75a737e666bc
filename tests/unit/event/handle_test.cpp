#include "event/handle.hpp"
#include "loop_fixture.hpp"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

using namespace ferry;
using namespace ferry::event;
using ferry::event::test::Loop;
using ferry::event::test::SocketPair;

namespace {

struct Counter {
    int fired = 0;
    void on_timer() { ++fired; }
};

Result<Handle<uv_timer_t>> make_timer(uv_loop_t* loop, void* data) {
    return Handle<uv_timer_t>::create("uv_timer_init", data,
                                      [loop](uv_timer_t* t) { return uv_timer_init(loop, t); });
}

} // namespace

TEST_CASE("a handle calls back its owner until it is dropped, and is freed after its close") {
    Loop loop;
    Counter counter;
    auto timer = make_timer(loop.get(), &counter);
    REQUIRE(timer);
    REQUIRE(start_timer(*timer, &timer_trampoline<Counter, &Counter::on_timer>, 0, 1));
    CHECK(timer->active());
    REQUIRE(loop.run_until([&] { return counter.fired >= 2; }));
    uv_handle_t* raw = timer->handle();
    timer->reset();
    CHECK_FALSE(*timer);
    CHECK(raw->data == nullptr); // no callback can reach the owner any more
    CHECK(uv_is_closing(raw));
    const int fired = counter.fired;
    loop.spin();
    CHECK(counter.fired == fired);
    // The loop's teardown (in ~Loop) finds nothing open; ASan finds nothing leaked.
}

TEST_CASE("a moved handle has one owner; dropping the moved-from one closes nothing") {
    Loop loop;
    auto timer = make_timer(loop.get(), nullptr);
    REQUIRE(timer);
    Handle<uv_timer_t> moved = std::move(*timer);
    CHECK_FALSE(*timer);
    CHECK(moved);
    timer->reset();
    CHECK_FALSE(uv_is_closing(moved.handle()));
    Handle<uv_timer_t> assigned;
    assigned = std::move(moved);
    CHECK(assigned);
}

TEST_CASE("a failed init is an error naming the call, and nothing is left on the loop") {
    Loop loop;
    auto failed =
        Handle<uv_timer_t>::create("uv_timer_init", nullptr, [](uv_timer_t*) { return UV_ENOMEM; });
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message.find("uv_timer_init") != std::string::npos);
    CHECK(open_handles(loop.get()).empty());
}

TEST_CASE("starting a closed timer is an error, not a silently missing timeout") {
    Loop loop;
    Handle<uv_timer_t> none;
    auto started = start_timer(none, &timer_trampoline<Counter, &Counter::on_timer>, 10, 0);
    CHECK_FALSE(started);
}

TEST_CASE("a stream handle seen as uv_stream_t is freed as what it was allocated as") {
    Loop loop;
    SocketPair pair;
    Handle<uv_stream_t> stream =
        test::open_pipe(loop.get(), std::move(pair.ours)).release_as<uv_stream_t>();
    CHECK(stream.handle()->type == UV_NAMED_PIPE);
    stream.reset(); // ASan checks the size it is freed with
}

TEST_CASE("accept_tcp takes a waiting connection, and is an error when none waits") {
    Loop loop;
    struct Listener {
        int accepted = 0;
        Handle<uv_tcp_t> client;
    } state;
    auto listener = Handle<uv_tcp_t>::create(
        "uv_tcp_init", &state, [&](uv_tcp_t* t) { return uv_tcp_init(loop.get(), t); });
    REQUIRE(listener);
    sockaddr_in address{};
    REQUIRE(uv_ip4_addr("127.0.0.1", 0, &address) == 0);
    REQUIRE(uv_tcp_bind(listener->get(), reinterpret_cast<const sockaddr*>(&address), 0) == 0);
    CHECK_FALSE(accept_tcp(listener->stream())); // nothing waits yet
    REQUIRE(uv_listen(listener->stream(), 4, [](uv_stream_t* s, int) {
                auto* st = owner_of<Listener>(s);
                auto client = accept_tcp(s); // no REQUIRE here: no exception through libuv
                if (!client) return;
                st->client = std::move(*client);
                ++st->accepted;
            }) == 0);
    int length = sizeof address;
    REQUIRE(uv_tcp_getsockname(listener->get(), reinterpret_cast<sockaddr*>(&address), &length) ==
            0);
    Fd peer(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    REQUIRE(::connect(peer.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) ==
            0);
    REQUIRE(loop.run_until([&] { return state.accepted == 1; }));
    CHECK(state.client.get()->data == nullptr);
    state.client.reset();
}
