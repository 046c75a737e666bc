// Reading an HTTP/1.x request head from a client we do not trust, for the two small servers
// that speak HTTP (ferryd's --metrics port, `ferry mon --web`). Parsing is a pure function of
// the bytes received so far, so a server calls it after each read and the tests feed it
// hostile input without a socket. Only small GET/HEAD heads are served: anything else is an
// error that names the status to answer with, and a head never grows past a stated size.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ferry::http {

// Beyond this many bytes without the blank line that ends a head, the client gets 431.
inline constexpr size_t kMaxRequestHead = 8 * 1024;

struct RequestHead {
    enum class State { incomplete, complete, error };
    State state = State::incomplete;
    int error_status = 0; // 400, 405, 431, 505 when state == error
    std::string method;   // "GET" or "HEAD"
    std::string path;     // the target without its query string: "/", "/metrics"
};

// `received` is everything the client has sent so far. The head is complete at the first
// empty line (CRLF CRLF, or LF LF as RFC 9112 §2.2 allows); only the request line is looked
// at, headers are skipped. A request line that is already wrong is an error before the head
// ends, so a client cannot make the server wait for a garbage head.
RequestHead parse_request_head(std::string_view received, size_t max_head = kMaxRequestHead);

} // namespace ferry::http
