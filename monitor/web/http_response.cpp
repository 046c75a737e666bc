#include "monitor/web/http_response.hpp"

#include <fmt/format.h>

namespace ferry::monitor::web {
namespace {

constexpr std::string_view kCommonHeaders = "Cache-Control: no-store\r\n"
                                            "Content-Security-Policy: default-src 'self'\r\n"
                                            "X-Content-Type-Options: nosniff\r\n"
                                            "Referrer-Policy: no-referrer\r\n";

} // namespace

std::string_view status_phrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 431:
        return "Request Header Fields Too Large";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

std::string response_head(int status, std::string_view content_type, size_t content_length) {
    return fmt::format("HTTP/1.1 {} {}\r\n{}{}Content-Type: {}\r\nContent-Length: {}\r\n"
                       "Connection: close\r\n\r\n",
                       status, status_phrase(status), kCommonHeaders,
                       status == 405 ? "Allow: GET, HEAD\r\n" : "", content_type, content_length);
}

std::string error_response(int status, bool head_only) {
    std::string body = fmt::format("{} {}\n", status, status_phrase(status));
    std::string out = response_head(status, "text/plain; charset=utf-8", body.size());
    if (!head_only) out += body;
    return out;
}

std::string event_stream_head() {
    return fmt::format("HTTP/1.1 200 OK\r\n{}Content-Type: text/event-stream; charset=utf-8\r\n"
                       "Connection: close\r\n\r\n",
                       kCommonHeaders);
}

} // namespace ferry::monitor::web
