#include "event/frame_stream.hpp"

#include "event/write.hpp"

namespace ferry::event {

namespace {
constexpr size_t kReadBufferSize = 64 * 1024;
} // namespace

Result<std::unique_ptr<FrameStream>> FrameStream::start(Handle<uv_stream_t> stream,
                                                        proto::Limits limits, Events events) {
    uv_loop_t* loop = stream.get()->loop;
    std::unique_ptr<FrameStream> self(
        new FrameStream(std::move(stream), limits, std::move(events)));
    FERRY_TRY(timer, Handle<uv_timer_t>::create("uv_timer_init", self.get(), [loop](uv_timer_t* t) {
                  return uv_timer_init(loop, t);
              }));
    self->m_timer = std::move(*timer);
    self->m_stream.get()->data = self.get();
    int rc = uv_read_start(self->m_stream.get(), &FrameStream::on_alloc, &FrameStream::on_read);
    if (rc < 0) return uv_error("uv_read_start", rc);
    return self;
}

FrameStream::FrameStream(Handle<uv_stream_t> stream, proto::Limits limits, Events events)
    : m_loop(stream.get()->loop), m_stream(std::move(stream)), m_decoder(limits),
      m_events(std::move(events)), m_read_buffer(kReadBufferSize) {}

FrameStream::~FrameStream() = default;

void FrameStream::close() {
    m_stream.reset();
    m_timer.reset();
}

void FrameStream::send(std::string bytes) {
    if (!m_stream) return;
    std::weak_ptr<char> alive = m_alive;
    auto written = write_string(m_stream.get(), std::move(bytes), [this, alive](int status) {
        if (status < 0 && status != UV_ECANCELED && !alive.expired())
            end(StreamEnd::Reason::failed, uv_error("write", status));
    });
    if (!written) end_later(std::move(written.error()));
}

void FrameStream::finish(uint64_t linger_ms) {
    if (!m_stream || m_finishing) return;
    m_finishing = true;
    if (auto fin = shutdown_stream(m_stream.get()); !fin) return end_later(std::move(fin.error()));
    if (m_pending_end) return; // the timer already runs to report it
    if (auto started = start_timer(m_timer, &timer_trampoline<FrameStream, &FrameStream::on_timer>,
                                   linger_ms, 0);
        !started)
        end_later(std::move(started.error()));
}

void FrameStream::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
    auto* self = owner_of<FrameStream>(handle);
    *buf = self ? uv_buf_init(self->m_read_buffer.data(),
                              static_cast<unsigned>(self->m_read_buffer.size()))
                : uv_buf_init(nullptr, 0);
}

void FrameStream::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = owner_of<FrameStream>(stream);
    if (!self || nread == 0) return;
    if (nread < 0) {
        if (nread != UV_EOF)
            return self->end(StreamEnd::Reason::failed, uv_error("read", static_cast<int>(nread)));
        if (!self->m_finishing && !self->m_input_failed && self->m_decoder.buffered() > 0)
            return self->end(StreamEnd::Reason::closed_mid_frame,
                             make_error(Errc::protocol, "connection closed mid-frame"));
        return self->end(StreamEnd::Reason::closed,
                         make_error(Errc::unavailable, "connection closed"));
    }
    self->read(std::string_view(buf->base, static_cast<size_t>(nread)));
}

void FrameStream::read(std::string_view bytes) {
    std::weak_ptr<char> alive = m_alive;
    if (m_events.bytes_read) {
        m_events.bytes_read(bytes.size());
        if (alive.expired() || !m_stream) return;
    }
    if (m_finishing || m_input_failed) return;
    if (auto appended = m_decoder.append(bytes); !appended) return bad_input(appended.error());
    // One frame at a time, each judged by the limits its predecessor left.
    while (!m_finishing) {
        auto frame = m_decoder.next();
        if (!frame) return bad_input(frame.error());
        if (!*frame) return;
        m_events.frame(std::move(**frame));
        if (alive.expired() || !m_stream || m_input_failed) return;
    }
}

void FrameStream::bad_input(const Error& why) {
    if (!m_events.bad_input) return end(StreamEnd::Reason::malformed, why);
    m_input_failed = true;
    m_events.bad_input(why);
}

void FrameStream::end(StreamEnd::Reason reason, const Error& why) {
    if (!m_stream) return;
    StreamEnd ending{reason, why}; // `why` may live in this object, which the callback may destroy
    close();
    if (auto on_end = std::move(m_events.end)) on_end(ending);
}

void FrameStream::end_later(Error why) {
    if (m_pending_end || !m_timer) return;
    m_pending_end = std::move(why);
    // Starting a live timer with a callback cannot fail; if it did, the end is reported now.
    if (!start_timer(m_timer, &timer_trampoline<FrameStream, &FrameStream::on_timer>, 0, 0))
        end(StreamEnd::Reason::failed, *m_pending_end);
}

void FrameStream::on_timer() {
    if (m_pending_end) return end(StreamEnd::Reason::failed, *m_pending_end);
    end(StreamEnd::Reason::linger_over,
        make_error(Errc::timeout, "the peer did not close the connection in time"));
}

} // namespace ferry::event
