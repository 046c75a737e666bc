// The little HTTP the metrics port speaks: reading a request head that arrives in pieces
// from a client we do not trust, and writing a complete HTTP/1.0-style response (one request
// per connection, `Connection: close`). Pure text in, text out: metrics_http.cpp owns the
// sockets, and the unit tests need none.
#pragma once

#include <string>
#include <string_view>

namespace ferry::runner {

struct HttpRequestHead {
    std::string method;
    std::string path; // the target without its query string
};

struct ParsedHead {
    enum class Status { incomplete, complete, malformed };
    Status status = Status::incomplete;
    HttpRequestHead head;
};

// `buffered` is everything the client has sent so far. The head is complete at the first
// empty line (CRLF CRLF, or LF LF from a hand-typed request); only the request line is
// looked at, headers are skipped.
ParsedHead parse_request_head(std::string_view buffered);

const char* http_reason(int status);

// A whole response with Content-Length and `Connection: close`. `head_only` (a HEAD request)
// leaves the body out but keeps its length.
std::string http_response(int status, std::string_view content_type, std::string_view body,
                          bool head_only = false, std::string_view extra_headers = {});

} // namespace ferry::runner
