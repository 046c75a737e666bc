#include "util/http/response.hpp"

#include <fmt/format.h>

namespace ferry::http {

std::string_view status_phrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
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

std::string response_head(int status, std::string_view content_type, size_t content_length,
                          std::string_view extra_headers) {
    return fmt::format("HTTP/1.1 {} {}\r\n{}{}Content-Type: {}\r\nContent-Length: {}\r\n"
                       "Connection: close\r\n\r\n",
                       status, status_phrase(status), extra_headers,
                       status == 405 ? "Allow: GET, HEAD\r\n" : "", content_type, content_length);
}

std::string response(int status, std::string_view content_type, std::string_view body,
                     bool head_only, std::string_view extra_headers) {
    std::string out = response_head(status, content_type, body.size(), extra_headers);
    if (!head_only) out += body;
    return out;
}

std::string error_response(int status, bool head_only, std::string_view extra_headers) {
    return response(status, "text/plain; charset=utf-8",
                    fmt::format("{} {}\n", status, status_phrase(status)), head_only,
                    extra_headers);
}

} // namespace ferry::http
