#include "event/teardown.hpp"

#include "event/handle.hpp"

#include <fmt/format.h>

namespace ferry::event {

std::vector<std::string> open_handles(uv_loop_t* loop) {
    std::vector<std::string> names;
    uv_walk(
        loop,
        [](uv_handle_t* handle, void* arg) {
            if (uv_is_closing(handle)) return;
            static_cast<std::vector<std::string>*>(arg)->emplace_back(
                uv_handle_type_name(handle->type));
        },
        &names);
    return names;
}

Result<void> close_loop(uv_loop_t* loop) {
    std::vector<std::string> left = open_handles(loop);
    // An open handle keeps uv_run going for ever; closed here, the run below ends.
    uv_walk(
        loop,
        [](uv_handle_t* handle, void*) {
            if (!uv_is_closing(handle)) uv_close(handle, nullptr);
        },
        nullptr);
    uv_run(loop, UV_RUN_DEFAULT);
    int rc = uv_loop_close(loop);
    if (!left.empty())
        return make_error(Errc::internal, "libuv handles left open at teardown: {}",
                          fmt::join(left, ", "));
    if (rc < 0) return uv_error("uv_loop_close", rc);
    return ok();
}

} // namespace ferry::event
