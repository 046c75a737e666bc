// Server-sent events framing (the WHATWG "event stream" format). A payload line break would
// end the field early, so each line of a payload becomes its own `data:` line, which the
// browser joins back with "\n".
#pragma once

#include <string>
#include <string_view>

namespace ferry::monitor::web {

// How long a browser waits before it reconnects a dropped stream.
inline constexpr int kSseRetryMs = 2000;

// "event: TYPE\ndata: ...\n\n". `type` must be a single line (ours are constants).
std::string sse_message(std::string_view type, std::string_view data);
// The first bytes of every stream: the reconnection hint.
std::string sse_retry(int ms = kSseRetryMs);
// A comment line: keeps proxies and idle-connection reapers from closing a quiet stream.
std::string sse_heartbeat();

} // namespace ferry::monitor::web
