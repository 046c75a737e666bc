// Ownership for libuv handles and write requests. libuv handles must not move and may only
// be freed once their close callback has run, which can be long after their owner is gone;
// so the handle lives on the heap, its owner holds a UvHandle, and destroying the UvHandle
// clears handle->data (callbacks check it to know the owner still exists), calls uv_close
// and lets the close callback free the memory. A handle whose init failed is never closed
// (libuv never saw it) and is freed at once.
#pragma once

#include "util/result.hpp"

#include <memory>
#include <string>
#include <utility>
#include <uv.h>

namespace ferry::runner {

template <typename T> class UvHandle {
  public:
    UvHandle() : m_handle(std::make_unique<T>()) {}
    UvHandle(UvHandle&& other) noexcept
        : m_handle(std::move(other.m_handle)),
          m_initialized(std::exchange(other.m_initialized, false)) {}
    UvHandle& operator=(UvHandle&& other) noexcept {
        if (this != &other) {
            close();
            m_handle = std::move(other.m_handle);
            m_initialized = std::exchange(other.m_initialized, false);
        }
        return *this;
    }
    UvHandle(const UvHandle&) = delete;
    UvHandle& operator=(const UvHandle&) = delete;
    ~UvHandle() { close(); }

    T* get() const { return m_handle.get(); }
    uv_handle_t* handle() const { return reinterpret_cast<uv_handle_t*>(m_handle.get()); }
    uv_stream_t* stream() const { return reinterpret_cast<uv_stream_t*>(m_handle.get()); }
    // Call after the uv_*_init (or uv_spawn, even a failed one) that made libuv own it.
    void set_initialized() { m_initialized = true; }
    bool initialized() const { return m_handle && m_initialized; }
    bool active() const { return initialized() && uv_is_active(handle()) != 0; }

    void close() noexcept {
        if (!m_handle) return;
        m_handle->data = nullptr;
        if (!m_initialized) {
            m_handle.reset();
            return;
        }
        m_initialized = false;
        uv_handle_t* h = reinterpret_cast<uv_handle_t*>(m_handle.release());
        uv_close(
            h, [](uv_handle_t* closed) { std::unique_ptr<T> free(reinterpret_cast<T*>(closed)); });
    }

  private:
    std::unique_ptr<T> m_handle;
    bool m_initialized = false;
};

// Writes `data` to `stream`. The request and its buffer live together until libuv's
// callback, whatever happens to the stream's owner in between.
inline Result<void> uv_write_string(uv_stream_t* stream, std::string data) {
    struct WriteRequest {
        uv_write_t req{};
        std::string data;
    };
    auto request = std::make_unique<WriteRequest>();
    request->data = std::move(data);
    request->req.data = request.get();
    uv_buf_t buf = uv_buf_init(request->data.data(), static_cast<unsigned>(request->data.size()));
    int rc = uv_write(&request->req, stream, &buf, 1, [](uv_write_t* req, int) {
        std::unique_ptr<WriteRequest> done(static_cast<WriteRequest*>(req->data));
    });
    if (rc != 0) return make_error(Errc::unavailable, "write: {}", uv_strerror(rc));
    (void)request.release(); // owned by libuv until the callback
    return ok();
}

} // namespace ferry::runner
