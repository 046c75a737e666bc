#include "event/write.hpp"

#include "event/handle.hpp"

#include <memory>

namespace ferry::event {

namespace {

struct WriteRequest {
    uv_write_t req{};
    std::string bytes;
    WriteDone done;
};

struct ShutdownRequest {
    uv_shutdown_t req{};
};

} // namespace

Result<void> write_string(uv_stream_t* stream, std::string bytes, WriteDone done) {
    auto request = std::make_unique<WriteRequest>();
    request->bytes = std::move(bytes);
    request->done = std::move(done);
    request->req.data = request.get();
    uv_buf_t buf = uv_buf_init(request->bytes.data(), static_cast<unsigned>(request->bytes.size()));
    int rc = uv_write(&request->req, stream, &buf, 1, [](uv_write_t* req, int status) {
        std::unique_ptr<WriteRequest> finished(static_cast<WriteRequest*>(req->data));
        if (finished->done) finished->done(status);
    });
    if (rc < 0) return uv_error("write", rc); // no callback will come: freed here
    (void)request.release();                  // libuv's until the callback
    return ok();
}

Result<void> shutdown_stream(uv_stream_t* stream) {
    auto request = std::make_unique<ShutdownRequest>();
    request->req.data = request.get();
    int rc = uv_shutdown(&request->req, stream, [](uv_shutdown_t* req, int) {
        std::unique_ptr<ShutdownRequest> finished(static_cast<ShutdownRequest*>(req->data));
    });
    if (rc < 0) return uv_error("shutdown", rc);
    (void)request.release();
    return ok();
}

} // namespace ferry::event
