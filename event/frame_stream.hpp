// A connected byte stream (the wrapper's unix socket, a runner's TCP connection, seen from
// either end) as a sequence of protocol frames (remote/protocol/frame.hpp). Reading,
// decoding and writing happen on the loop; the owner hears about whole frames, one at a
// time (so it may change the limits between two frames: the next one is judged by the new
// ones), and once about the end of the stream. A hostile length is refused before anything is
// allocated for it. Either callback may destroy the FrameStream.
#pragma once

#include "event/handle.hpp"
#include "remote/protocol/frame.hpp"
#include "util/result.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <uv.h>
#include <vector>

namespace ferry::event {

// Why a frame stream ended.
struct StreamEnd {
    enum class Reason {
        closed,           // the peer closed between frames
        closed_mid_frame, // the peer closed inside a frame
        failed,           // a read or write failed
        malformed,        // bytes that are no frame (only without a BadInputFn)
        linger_over,      // finish(): the peer did not close in time
    };
    Reason reason;
    Error error;
};

class FrameStream {
  public:
    struct Events {
        std::function<void(proto::Frame)> frame{};
        // Called at most once, with the stream already closed.
        std::function<void(const StreamEnd&)> end{};
        // Optional. Set: bytes that are no frame are reported here and the stream stays open
        // for writing (to tell the peer why), delivering no more frames. Unset: they end it.
        std::function<void(const Error&)> bad_input{};
        // Optional: every read's size, also of bytes dropped after finish().
        std::function<void(size_t)> bytes_read{};
    };

    // Starts reading on a connected stream.
    static Result<std::unique_ptr<FrameStream>> start(Handle<uv_stream_t> stream,
                                                      proto::Limits limits, Events events);
    FrameStream(const FrameStream&) = delete;
    FrameStream& operator=(const FrameStream&) = delete;
    ~FrameStream();

    // Queues whole frame bytes. A failure is reported later through the end callback, never
    // from inside send().
    void send(std::string bytes);
    // The limits the next frame is read with.
    void set_limits(const proto::Limits& limits) { m_decoder.set_limits(limits); }
    // No more frames: what was sent goes out, then FIN, and what still comes is read and
    // dropped (closing with unread bytes makes the kernel send a reset, which can destroy our
    // last frame before the peer reads it) until the peer closes or `linger_ms` pass.
    void finish(uint64_t linger_ms);
    // Stops everything without calling the end callback.
    void close();
    bool is_open() const { return static_cast<bool>(m_stream); }
    bool finishing() const { return m_finishing; }
    uv_loop_t* loop() const { return m_loop; }
    // Bytes sent but not yet written to the peer: a reader that falls behind shows here.
    size_t queued_bytes() const {
        return m_stream ? uv_stream_get_write_queue_size(m_stream.get()) : 0;
    }

  private:
    FrameStream(Handle<uv_stream_t> stream, proto::Limits limits, Events events);
    static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
    static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
    void read(std::string_view bytes);
    void bad_input(const Error& why);
    void end(StreamEnd::Reason reason, const Error& why);
    void end_later(Error why);
    void on_timer();

    uv_loop_t* m_loop;
    Handle<uv_stream_t> m_stream;
    Handle<uv_timer_t> m_timer; // a failure found inside send(), or finish()'s linger
    proto::FrameDecoder m_decoder;
    Events m_events;
    std::vector<char> m_read_buffer;
    std::optional<Error> m_pending_end;
    bool m_finishing = false;
    bool m_input_failed = false; // bad bytes reported: what comes is dropped
    // Expires with this object: lets a callback notice that the owner destroyed us.
    std::shared_ptr<char> m_alive = std::make_shared<char>();
};

} // namespace ferry::event
