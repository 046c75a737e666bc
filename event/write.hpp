// Writes that own what they need. A write request and its bytes live together on the heap
// until libuv's callback, which can come after the stream (and its owner) are gone: closing
// a stream cancels its queued writes, and their callbacks then run with UV_ECANCELED. A call
// that fails at once never fires its callback, so the request is freed then.
#pragma once

#include "util/result.hpp"

#include <functional>
#include <string>
#include <uv.h>

namespace ferry::event {

// Told the write's outcome (0 or a libuv error, UV_ECANCELED when the stream closed first).
using WriteDone = std::function<void(int status)>;

// Queues `bytes` on `stream`. `done` (optional) runs from the loop, never from inside this
// call; an error returned here means it never runs.
Result<void> write_string(uv_stream_t* stream, std::string bytes, WriteDone done = {});

// Sends FIN once every queued write is out (uv_shutdown); the request frees itself.
Result<void> shutdown_stream(uv_stream_t* stream);

} // namespace ferry::event
