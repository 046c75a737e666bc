#include "event/frame_stream.hpp"
#include "loop_fixture.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::event;
using ferry::event::test::Loop;
using ferry::event::test::SocketPair;

namespace {

// One FrameStream on a socket pair, recording what it reports; the test is the peer.
struct Harness {
    Loop loop;
    SocketPair pair;
    std::unique_ptr<FrameStream> stream;
    std::vector<proto::Frame> frames;
    std::optional<StreamEnd> end;
    std::vector<std::string> bad;
    size_t bytes_seen = 0;
    std::function<void(const proto::Frame&)> on_frame; // runs after a frame is recorded

    explicit Harness(proto::Limits limits = {}, bool report_bad_input = false) {
        Handle<uv_pipe_t> pipe = test::open_pipe(loop.get(), std::move(pair.ours));
        FrameStream::Events events{.frame =
                                       [this](proto::Frame frame) {
                                           frames.push_back(frame);
                                           if (on_frame) on_frame(frames.back());
                                       },
                                   .end = [this](const StreamEnd& e) { end = e; },
                                   .bytes_read = [this](size_t n) { bytes_seen += n; }};
        if (report_bad_input)
            events.bad_input = [this](const Error& why) { bad.push_back(why.message); };
        auto started =
            FrameStream::start(std::move(pipe).release_as<uv_stream_t>(), limits, events);
        REQUIRE(started);
        stream = std::move(*started);
    }
    ~Harness() { stream.reset(); } // before ~Loop's teardown

    void peer_writes(std::string_view bytes) {
        REQUIRE(::write(pair.peer.get(), bytes.data(), bytes.size()) ==
                static_cast<ssize_t>(bytes.size()));
    }
    void peer_closes() { REQUIRE(::shutdown(pair.peer.get(), SHUT_WR) == 0); }
    bool wait_end() {
        return loop.run_until([&] { return end.has_value(); });
    }
};

std::string frame_of(proto::MsgType type, std::string_view payload) {
    auto bytes = proto::encode_frame(type, payload);
    REQUIRE(bytes);
    return std::move(*bytes);
}

} // namespace

TEST_CASE("frames split at every byte arrive whole and in order") {
    Harness h;
    const std::string bytes = frame_of(proto::MsgType::ping, "first") +
                              frame_of(proto::MsgType::stats_request, std::string(300, 's'));
    for (char c : bytes) {
        h.peer_writes(std::string_view(&c, 1));
        h.loop.spin(2);
    }
    REQUIRE(h.loop.run_until([&] { return h.frames.size() == 2; }));
    CHECK(h.frames[0].type == proto::MsgType::ping);
    CHECK(h.frames[0].payload == "first");
    CHECK(h.frames[1].type == proto::MsgType::stats_request);
    CHECK(h.frames[1].payload == std::string(300, 's'));
    CHECK(h.bytes_seen == bytes.size());
    CHECK_FALSE(h.end);
}

TEST_CASE("the peer closing between frames ends the stream as closed") {
    Harness h;
    h.peer_writes(frame_of(proto::MsgType::ping, ""));
    h.peer_closes();
    REQUIRE(h.wait_end());
    CHECK(h.frames.size() == 1);
    CHECK(h.end->reason == StreamEnd::Reason::closed);
    CHECK_FALSE(h.stream->is_open());
}

TEST_CASE("a hostile peer") {
    proto::Limits limits;
    limits.max_payload = 1024;
    limits.max_raw = 1024;

    SUBCASE("a frame cut mid-way by EOF ends the stream as closed mid-frame") {
        Harness h(limits);
        std::string whole = frame_of(proto::MsgType::ping, std::string(100, 'p'));
        h.peer_writes(std::string_view(whole).substr(0, 40));
        h.peer_closes();
        REQUIRE(h.wait_end());
        CHECK(h.frames.empty());
        CHECK(h.end->reason == StreamEnd::Reason::closed_mid_frame);
        CHECK(h.end->error.code == Errc::protocol);
    }
    SUBCASE("a length over the limit is refused from the header, before its payload comes") {
        Harness h(limits);
        std::string big = frame_of(proto::MsgType::job_request, std::string(4096, 'j'));
        h.peer_writes(std::string_view(big).substr(0, proto::kHeaderSize));
        REQUIRE(h.wait_end());
        CHECK(h.end->reason == StreamEnd::Reason::malformed);
        CHECK(h.frames.empty());
    }
    SUBCASE("bytes that are no frame end it, after the good frames before them") {
        Harness h(limits);
        h.peer_writes(frame_of(proto::MsgType::ping, "ok") + std::string(proto::kHeaderSize, 'Z'));
        REQUIRE(h.wait_end());
        CHECK(h.frames.size() == 1);
        CHECK(h.end->reason == StreamEnd::Reason::malformed);
    }
    SUBCASE("with a bad-input handler, the stream stays open to tell the peer why") {
        Harness h(limits, true);
        h.peer_writes(std::string(proto::kHeaderSize, 'Z') + frame_of(proto::MsgType::ping, ""));
        REQUIRE(h.loop.run_until([&] { return !h.bad.empty(); }));
        CHECK(h.bad.size() == 1);
        CHECK(h.frames.empty()); // nothing after the bad bytes is read as a frame
        CHECK(h.stream->is_open());
        h.stream->send(frame_of(proto::MsgType::error, "go away"));
        h.stream->finish(5000);
        ::fcntl(h.pair.peer.get(), F_SETFL, O_NONBLOCK);
        std::string got;
        REQUIRE(h.loop.run_until([&] {
            char buf[256];
            ssize_t n = ::read(h.pair.peer.get(), buf, sizeof buf);
            if (n > 0) got.append(buf, static_cast<size_t>(n));
            return n == 0; // FIN after our frame
        }));
        CHECK(proto::decode_single_frame(got)->type == proto::MsgType::error);
        h.peer_closes();
        REQUIRE(h.wait_end());
        CHECK(h.end->reason == StreamEnd::Reason::closed);
    }
}

TEST_CASE("limits changed in a frame's callback judge the next frame of the same read") {
    Harness h;
    h.on_frame = [&](const proto::Frame&) {
        proto::Limits tight;
        tight.max_payload = 8;
        tight.max_raw = 8;
        h.stream->set_limits(tight);
    };
    h.peer_writes(frame_of(proto::MsgType::ping, std::string(100, 'a')) +
                  frame_of(proto::MsgType::ping, std::string(100, 'b')));
    REQUIRE(h.wait_end());
    CHECK(h.frames.size() == 1);
    CHECK(h.end->reason == StreamEnd::Reason::malformed);
}

TEST_CASE("a frame callback may destroy the stream; nothing more is delivered") {
    Harness h;
    h.on_frame = [&](const proto::Frame&) { h.stream.reset(); };
    h.peer_writes(frame_of(proto::MsgType::ping, "1") + frame_of(proto::MsgType::ping, "2"));
    REQUIRE(h.loop.run_until([&] { return !h.frames.empty(); }));
    h.loop.spin();
    CHECK(h.frames.size() == 1);
    CHECK_FALSE(h.end);
}

TEST_CASE("finish drops what still comes and gives up on a peer that never closes") {
    Harness h;
    h.stream->finish(50);
    CHECK(h.stream->finishing());
    h.peer_writes(frame_of(proto::MsgType::ping, "ignored"));
    REQUIRE(h.wait_end());
    CHECK(h.frames.empty());
    CHECK(h.bytes_seen > 0); // read (so no reset destroys our last frame), then dropped
    CHECK(h.end->reason == StreamEnd::Reason::linger_over);
}

TEST_CASE("sent frames reach the peer, and close() ends without a callback") {
    Harness h;
    const std::string frame = frame_of(proto::MsgType::pong, "");
    h.stream->send(frame);
    REQUIRE(h.loop.run_until([&] { return h.stream->queued_bytes() == 0; }));
    h.loop.spin();
    char buf[64];
    REQUIRE(::read(h.pair.peer.get(), buf, sizeof buf) == static_cast<ssize_t>(frame.size()));
    h.stream->close();
    h.stream->send("after close: dropped");
    h.loop.spin();
    CHECK_FALSE(h.end);
}
