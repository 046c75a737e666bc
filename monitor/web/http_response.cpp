#include "monitor/web/http_response.hpp"

#include "util/http/response.hpp"

#include <fmt/format.h>

namespace ferry::monitor::web {
namespace {

constexpr std::string_view kCommonHeaders = "Cache-Control: no-store\r\n"
                                            "Content-Security-Policy: default-src 'self'\r\n"
                                            "X-Content-Type-Options: nosniff\r\n"
                                            "Referrer-Policy: no-referrer\r\n";

} // namespace

std::string response_head(int status, std::string_view content_type, size_t content_length) {
    return http::response_head(status, content_type, content_length, kCommonHeaders);
}

std::string error_response(int status, bool head_only) {
    return http::error_response(status, head_only, kCommonHeaders);
}

std::string event_stream_head() {
    return fmt::format("HTTP/1.1 200 OK\r\n{}Content-Type: text/event-stream; charset=utf-8\r\n"
                       "Connection: close\r\n\r\n",
                       kCommonHeaders);
}

} // namespace ferry::monitor::web
