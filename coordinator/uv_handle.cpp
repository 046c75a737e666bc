#include "coordinator/uv_handle.hpp"

namespace ferry::coordinator {

namespace detail {

template <typename T> void free_as(uv_handle_t* handle) {
    std::unique_ptr<T> owned(reinterpret_cast<T*>(handle));
}

void free_closed_handle(uv_handle_t* handle) {
    switch (handle->type) {
    case UV_TCP:
        free_as<uv_tcp_t>(handle);
        break;
    case UV_NAMED_PIPE:
        free_as<uv_pipe_t>(handle);
        break;
    case UV_TIMER:
        free_as<uv_timer_t>(handle);
        break;
    case UV_SIGNAL:
        free_as<uv_signal_t>(handle);
        break;
    case UV_IDLE:
        free_as<uv_idle_t>(handle);
        break;
    case UV_ASYNC:
        free_as<uv_async_t>(handle);
        break;
    default:
        // Only the types above are ever created through UvHandle.
        std::abort();
    }
}

} // namespace detail

Error uv_error(std::string_view what, int status) {
    return make_error(status == UV_ETIMEDOUT ? Errc::timeout : Errc::unavailable, "{}: {}", what,
                      uv_strerror(status));
}

} // namespace ferry::coordinator
