// A connected byte stream (the wrapper's unix socket, a runner's TCP connection) seen as a
// sequence of protocol frames. Reading, decoding and writing happen on the loop; the owner
// hears about whole frames and, once, about the end of the stream (EOF, I/O error,
// malformed bytes). Either callback may destroy the FrameStream.
#pragma once

#include "coordinator/uv_handle.hpp"
#include "remote/protocol/frame.hpp"
#include "util/result.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <uv.h>
#include <vector>

namespace ferry::coordinator {

class FrameStream {
  public:
    using FrameFn = std::function<void(proto::Frame)>;
    // Called at most once, with the stream already closed.
    using EndFn = std::function<void(const Error&)>;

    // Starts reading on a connected stream.
    static Result<std::unique_ptr<FrameStream>>
    start(UvHandle<uv_stream_t> stream, proto::Limits limits, FrameFn on_frame, EndFn on_end);
    FrameStream(const FrameStream&) = delete;
    FrameStream& operator=(const FrameStream&) = delete;
    ~FrameStream();

    // Queues whole frame bytes. A failure is reported later through the end callback, never
    // from inside send().
    void send(std::string bytes);
    // Stops everything without calling the end callback.
    void close();
    bool is_open() const { return static_cast<bool>(m_stream); }
    // Bytes sent but not yet written to the peer: a reader that falls behind shows here.
    size_t queued_bytes() const {
        return m_stream ? uv_stream_get_write_queue_size(m_stream.get()) : 0;
    }

  private:
    FrameStream(UvHandle<uv_stream_t> stream, proto::Limits limits, FrameFn on_frame, EndFn on_end);
    static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
    static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
    static void on_write(uv_write_t* req, int status);
    void end(const Error& why);
    void end_later(Error why);
    void on_deferred_end();

    UvHandle<uv_stream_t> m_stream;
    UvHandle<uv_timer_t> m_defer; // runs a failure found inside send() from the loop
    proto::FrameDecoder m_decoder;
    FrameFn m_on_frame;
    EndFn m_on_end;
    std::vector<char> m_read_buffer;
    std::optional<Error> m_pending_end;
    // Expires with this object: lets a callback notice that the owner destroyed us.
    std::shared_ptr<char> m_alive = std::make_shared<char>();
};

} // namespace ferry::coordinator
