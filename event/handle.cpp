#include "event/handle.hpp"

#include <cstdlib>

namespace ferry::event {

namespace detail {

template <typename T> void free_as(uv_handle_t* handle) {
    std::unique_ptr<T> owned(reinterpret_cast<T*>(handle));
}

void free_closed_handle(uv_handle_t* handle) {
    switch (handle->type) {
    case UV_TCP:
        return free_as<uv_tcp_t>(handle);
    case UV_NAMED_PIPE:
        return free_as<uv_pipe_t>(handle);
    case UV_TIMER:
        return free_as<uv_timer_t>(handle);
    case UV_SIGNAL:
        return free_as<uv_signal_t>(handle);
    case UV_IDLE:
        return free_as<uv_idle_t>(handle);
    case UV_ASYNC:
        return free_as<uv_async_t>(handle);
    case UV_POLL:
        return free_as<uv_poll_t>(handle);
    default:
        // Handle::create accepts only the types above (kSupported).
        std::abort();
    }
}

} // namespace detail

Error uv_error(std::string_view what, int status) {
    return make_error(status == UV_ETIMEDOUT ? Errc::timeout : Errc::unavailable, "{}: {}", what,
                      uv_strerror(status));
}

Result<Handle<uv_tcp_t>> accept_tcp(uv_stream_t* listener) {
    FERRY_TRY(tcp, Handle<uv_tcp_t>::create("uv_tcp_init", nullptr, [listener](uv_tcp_t* t) {
                  return uv_tcp_init(listener->loop, t);
              }));
    if (int rc = uv_accept(listener, tcp->stream()); rc < 0) return uv_error("uv_accept", rc);
    return std::move(*tcp);
}

Result<void> start_timer(const Handle<uv_timer_t>& timer, uv_timer_cb callback, uint64_t timeout_ms,
                         uint64_t repeat_ms) {
    if (!timer) return make_error(Errc::internal, "uv_timer_start: the timer is closed");
    if (int rc = uv_timer_start(timer.get(), callback, timeout_ms, repeat_ms); rc < 0)
        return uv_error("uv_timer_start", rc);
    return ok();
}

} // namespace ferry::event
