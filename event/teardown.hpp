// The checked end of a loop. A daemon (or a test) that has destroyed everything it owned
// calls close_loop: the loop runs until the close callbacks and requests still in flight are
// done, and any handle still open then is a leak, reported by type ("timer, tcp"). Such a
// handle is closed so the loop itself can be closed; its memory is lost, which the sanitizer
// builds report as well.
#pragma once

#include "util/result.hpp"

#include <string>
#include <uv.h>
#include <vector>

namespace ferry::event {

// The type names of the handles that are open and not closing (libuv's internal ones are not
// listed by uv_walk).
std::vector<std::string> open_handles(uv_loop_t* loop);

// Runs `loop` to its end and closes it. An error (Errc::internal) names every handle that was
// left open.
Result<void> close_loop(uv_loop_t* loop);

} // namespace ferry::event
