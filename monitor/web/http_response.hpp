// Response heads as the dashboard sends them (util/http writes them): every one says
// no-store and carries a Content-Security-Policy of 'self' only, so the page can load nothing
// from another host and run no inline script even if some string it shows were crafted to
// look like markup.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ferry::monitor::web {

// A complete head for a body of `content_length` bytes; the connection closes after it.
std::string response_head(int status, std::string_view content_type, size_t content_length);

// A short text/plain error response (head and body; no body for HEAD requests).
std::string error_response(int status, bool head_only = false);

// The head that opens a server-sent events stream (no length: it lasts until either side
// closes).
std::string event_stream_head();

} // namespace ferry::monitor::web
