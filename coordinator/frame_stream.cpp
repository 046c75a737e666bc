#include "coordinator/frame_stream.hpp"

namespace ferry::coordinator {

namespace {

constexpr size_t kReadBufferSize = 64 * 1024;

// A write request owns the bytes it sends; both are freed in the callback, which may run
// after the stream (and its owner) are gone.
struct WriteRequest {
    uv_write_t req{};
    std::string data;
    std::weak_ptr<char> alive;
    FrameStream* stream = nullptr;
};

} // namespace

Result<std::unique_ptr<FrameStream>> FrameStream::start(UvHandle<uv_stream_t> stream,
                                                        proto::Limits limits, FrameFn on_frame,
                                                        EndFn on_end) {
    uv_loop_t* loop = stream.get()->loop;
    std::unique_ptr<FrameStream> self(
        new FrameStream(std::move(stream), limits, std::move(on_frame), std::move(on_end)));
    FERRY_TRY(timer, UvHandle<uv_timer_t>::create(
                         self.get(), [loop](uv_timer_t* t) { return uv_timer_init(loop, t); }));
    self->m_defer = std::move(*timer);
    self->m_stream.get()->data = self.get();
    int rc = uv_read_start(self->m_stream.get(), &FrameStream::on_alloc, &FrameStream::on_read);
    if (rc < 0) return uv_error("uv_read_start", rc);
    return self;
}

FrameStream::FrameStream(UvHandle<uv_stream_t> stream, proto::Limits limits, FrameFn on_frame,
                         EndFn on_end)
    : m_stream(std::move(stream)), m_decoder(limits), m_on_frame(std::move(on_frame)),
      m_on_end(std::move(on_end)), m_read_buffer(kReadBufferSize) {}

FrameStream::~FrameStream() = default;

void FrameStream::close() {
    m_stream.reset();
    m_defer.reset();
}

void FrameStream::send(std::string bytes) {
    if (!m_stream) return;
    auto request = std::make_unique<WriteRequest>();
    request->data = std::move(bytes);
    request->alive = m_alive;
    request->stream = this;
    request->req.data = request.get();
    uv_buf_t buf = uv_buf_init(request->data.data(), static_cast<unsigned>(request->data.size()));
    int rc = uv_write(&request->req, m_stream.get(), &buf, 1, &FrameStream::on_write);
    if (rc < 0) {
        end_later(uv_error("write", rc));
        return; // the callback will never run: the unique_ptr frees the request
    }
    (void)request.release(); // owned by libuv until on_write
}

void FrameStream::on_write(uv_write_t* req, int status) {
    std::unique_ptr<WriteRequest> request(static_cast<WriteRequest*>(req->data));
    if (status < 0 && status != UV_ECANCELED && !request->alive.expired())
        request->stream->end(uv_error("write", status));
}

void FrameStream::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
    auto* self = owner_of<FrameStream>(handle);
    *buf =
        uv_buf_init(self->m_read_buffer.data(), static_cast<unsigned>(self->m_read_buffer.size()));
}

void FrameStream::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* self = owner_of<FrameStream>(stream);
    if (!self || nread == 0) return;
    if (nread < 0) {
        if (nread != UV_EOF) return self->end(uv_error("read", static_cast<int>(nread)));
        if (self->m_decoder.buffered() > 0)
            return self->end(make_error(Errc::protocol, "connection closed mid-frame"));
        return self->end(make_error(Errc::unavailable, "connection closed"));
    }
    auto fed = self->m_decoder.feed(std::string_view(buf->base, static_cast<size_t>(nread)));
    std::weak_ptr<char> alive = self->m_alive;
    while (self->m_decoder.has_frame()) {
        self->m_on_frame(self->m_decoder.pop());
        if (alive.expired() || !self->m_stream) return;
    }
    if (!fed) self->end(fed.error());
}

void FrameStream::end(const Error& why) {
    if (!m_stream) return;
    // A copy on purpose: `why` may live in this object, which the callback may destroy.
    Error copy = why; // NOLINT(performance-unnecessary-copy-initialization)
    close();
    if (auto on_end = std::move(m_on_end)) on_end(copy);
}

void FrameStream::end_later(Error why) {
    if (m_pending_end || !m_defer) return;
    m_pending_end = std::move(why);
    uv_timer_start(m_defer.get(), &timer_trampoline<FrameStream, &FrameStream::on_deferred_end>, 0,
                   0);
}

void FrameStream::on_deferred_end() {
    if (m_pending_end) end(*m_pending_end);
}

} // namespace ferry::coordinator
