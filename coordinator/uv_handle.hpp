// Ownership of libuv handles. A handle cannot move and must outlive every callback libuv may
// still deliver, so it lives on the heap; dropping the owner calls uv_close and the memory is
// freed only in the close callback. A handle whose init failed was never seen by libuv and is
// freed at once. The owner's address (handle->data) is never used after uv_close, because
// libuv delivers nothing but the close callback from then on.
#pragma once

#include "util/result.hpp"

#include <memory>
#include <utility>
#include <uv.h>

namespace ferry::coordinator {

namespace detail {
// Frees a closed handle as the type it was allocated as.
void free_closed_handle(uv_handle_t* handle);
} // namespace detail

// Result of a libuv call as an Error naming what failed.
Error uv_error(std::string_view what, int status);

template <typename T> class UvHandle {
  public:
    UvHandle() = default;
    UvHandle(const UvHandle&) = delete;
    UvHandle& operator=(const UvHandle&) = delete;
    UvHandle(UvHandle&& other) noexcept : m_handle(std::exchange(other.m_handle, nullptr)) {}
    UvHandle& operator=(UvHandle&& other) noexcept {
        if (this != &other) {
            reset();
            m_handle = std::exchange(other.m_handle, nullptr);
        }
        return *this;
    }
    ~UvHandle() { reset(); }

    // Allocates a handle and runs `init(handle)` (e.g. uv_timer_init(loop, h)). `data`
    // becomes handle->data: the object callbacks are delivered to.
    template <typename Init> static Result<UvHandle> create(void* data, Init&& init) {
        auto memory = std::make_unique<T>();
        int rc = init(memory.get());
        if (rc < 0) return uv_error("uv init", rc); // libuv never saw it: plain free
        memory->data = data;
        UvHandle h;
        h.m_handle = memory.release();
        return h;
    }

    T* get() const { return m_handle; }
    uv_handle_t* handle() const { return reinterpret_cast<uv_handle_t*>(m_handle); }
    uv_stream_t* stream() const { return reinterpret_cast<uv_stream_t*>(m_handle); }
    explicit operator bool() const { return m_handle != nullptr; }

    // The same handle seen as a more general type (uv_tcp_t -> uv_stream_t); the close
    // callback frees it by its real type.
    template <typename U> UvHandle<U> release_as() && {
        UvHandle<U> other;
        other.m_handle = reinterpret_cast<U*>(std::exchange(m_handle, nullptr));
        return other;
    }

    void reset() {
        if (!m_handle) return;
        uv_handle_t* h = handle();
        m_handle = nullptr;
        h->data = nullptr;
        uv_close(h, &detail::free_closed_handle);
    }

  private:
    template <typename U> friend class UvHandle;
    T* m_handle = nullptr;
};

// The owner of `handle` from its data pointer, in a callback.
template <typename Owner, typename H> Owner* owner_of(H* handle) {
    return static_cast<Owner*>(handle->data);
}

// A one-shot or repeating timer calling a member function.
template <typename Owner, void (Owner::*Fn)()> void timer_trampoline(uv_timer_t* timer) {
    if (auto* owner = owner_of<Owner>(timer)) (owner->*Fn)();
}

} // namespace ferry::coordinator
