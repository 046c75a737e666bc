// Ownership of libuv handles, one API for every handle type the daemons use. A handle cannot
// move and must outlive every callback libuv may still deliver, so it lives on the heap;
// dropping the owner clears handle->data (callbacks check it to know the owner is still
// there), calls uv_close, and the memory is freed only in the close callback. A handle whose
// init failed was never seen by libuv and is freed at once. Child processes are not libuv
// handles here (event/child_process.hpp says why).
#pragma once

#include "util/result.hpp"

#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>
#include <uv.h>

namespace ferry::event {

namespace detail {
// Frees a closed handle as the type it was allocated as (by handle->type).
void free_closed_handle(uv_handle_t* handle);

template <typename T>
inline constexpr bool kSupported =
    std::is_same_v<T, uv_tcp_t> || std::is_same_v<T, uv_pipe_t> || std::is_same_v<T, uv_timer_t> ||
    std::is_same_v<T, uv_signal_t> || std::is_same_v<T, uv_idle_t> ||
    std::is_same_v<T, uv_async_t> || std::is_same_v<T, uv_poll_t>;
} // namespace detail

// A failed libuv call as an Error naming what failed.
Error uv_error(std::string_view what, int status);

template <typename T> class Handle {
  public:
    Handle() = default;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle(Handle&& other) noexcept : m_handle(std::exchange(other.m_handle, nullptr)) {}
    Handle& operator=(Handle&& other) noexcept {
        if (this != &other) {
            reset();
            m_handle = std::exchange(other.m_handle, nullptr);
        }
        return *this;
    }
    ~Handle() { reset(); }

    // Allocates a handle and runs `init(handle)` (uv_timer_init(loop, h), uv_poll_init(loop, h,
    // fd)...); its failure is an error naming `what`. `data` becomes handle->data: the
    // object callbacks are delivered to.
    template <typename Init>
    static Result<Handle> create(std::string_view what, void* data, Init&& init) {
        static_assert(detail::kSupported<T>, "add the type to detail::free_closed_handle");
        auto memory = std::make_unique<T>();
        int rc = init(memory.get());
        if (rc < 0) {
            return uv_error(what, rc); // libuv never saw it: a plain free
        }
        memory->data = data;
        Handle h;
        h.m_handle = memory.release();
        return h;
    }

    T* get() const { return m_handle; }
    uv_handle_t* handle() const { return reinterpret_cast<uv_handle_t*>(m_handle); }
    uv_stream_t* stream() const { return reinterpret_cast<uv_stream_t*>(m_handle); }
    explicit operator bool() const { return m_handle != nullptr; }
    bool active() const { return m_handle && uv_is_active(handle()) != 0; }

    // The same handle seen as a more general type (uv_tcp_t -> uv_stream_t); the close
    // callback frees it by its real type.
    template <typename U> Handle<U> release_as() && {
        Handle<U> other;
        other.m_handle = reinterpret_cast<U*>(std::exchange(m_handle, nullptr));
        return other;
    }

    // Closes the handle (its memory goes in the close callback); no callback reaches the
    // owner from now on.
    void reset() {
        if (!m_handle) return;
        uv_handle_t* h = handle();
        m_handle = nullptr;
        h->data = nullptr;
        uv_close(h, &detail::free_closed_handle);
    }

  private:
    template <typename U> friend class Handle;
    T* m_handle = nullptr;
};

// The owner of `handle` from its data pointer, in a callback; null once the owner is gone.
template <typename Owner, typename H> Owner* owner_of(H* handle) {
    return static_cast<Owner*>(reinterpret_cast<uv_handle_t*>(handle)->data);
}

// A timer callback calling a member function of the timer's owner.
template <typename Owner, void (Owner::*Fn)()> void timer_trampoline(uv_timer_t* timer) {
    if (auto* owner = owner_of<Owner>(timer)) (owner->*Fn)();
}

// Accepts the connection waiting on a TCP listener into a new handle (data: null).
Result<Handle<uv_tcp_t>> accept_tcp(uv_stream_t* listener);

// uv_timer_start whose failure (a closed timer, no callback) is an error for the caller.
Result<void> start_timer(const Handle<uv_timer_t>& timer, uv_timer_cb callback, uint64_t timeout_ms,
                         uint64_t repeat_ms);

} // namespace ferry::event
