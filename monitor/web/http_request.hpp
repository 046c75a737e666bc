// The one piece of HTTP/1.x the dashboard reads: a request head. Parsing is a pure function
// of the bytes received so far, so the server can call it after every read and the tests
// can feed it hostile input without a socket. Anything but a small GET/HEAD head is an error
// that names the status to answer with.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ferry::monitor::web {

// Beyond this many bytes without the blank line that ends a head, the client gets 431.
inline constexpr size_t kMaxRequestHead = 8 * 1024;

struct RequestHead {
    enum class State { incomplete, complete, error };
    State state = State::incomplete;
    int error_status = 0; // 400, 405, 431, 505 when state == error
    std::string method;   // "GET" or "HEAD"
    std::string path;     // the target without its query string: "/", "/events"
};

RequestHead parse_request_head(std::string_view received);

} // namespace ferry::monitor::web
