#include "remote/runner/http_message.hpp"

#include <fmt/format.h>

namespace ferry::runner {

// RFC 9110 "tchar": what a method may be made of.
static bool is_token_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

static bool is_target_char(char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
}

ParsedHead parse_request_head(std::string_view buffered) {
    ParsedHead out;
    size_t end = buffered.find("\r\n\r\n");
    if (end == std::string_view::npos) end = buffered.find("\n\n");
    if (end == std::string_view::npos) return out;
    std::string_view line = buffered.substr(0, buffered.find('\n'));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.status = ParsedHead::Status::malformed;

    // METHOD SP TARGET SP HTTP/1.x, each separated by exactly one space.
    size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0) return out;
    size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || sp2 == sp1 + 1) return out;
    std::string_view method = line.substr(0, sp1);
    std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string_view version = line.substr(sp2 + 1);
    for (char c : method)
        if (!is_token_char(c)) return out;
    for (char c : target)
        if (!is_target_char(c)) return out;
    if (target.front() != '/') return out;
    if (version != "HTTP/1.0" && version != "HTTP/1.1") return out;

    out.status = ParsedHead::Status::complete;
    out.head.method = std::string(method);
    out.head.path = std::string(target.substr(0, target.find('?')));
    return out;
}

const char* http_reason(int status) {
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
    default:
        return "Error";
    }
}

std::string http_response(int status, std::string_view content_type, std::string_view body,
                          bool head_only, std::string_view extra_headers) {
    std::string out =
        fmt::format("HTTP/1.1 {} {}\r\n"
                    "Content-Type: {}\r\n"
                    "Content-Length: {}\r\n"
                    "Connection: close\r\n"
                    "{}\r\n",
                    status, http_reason(status), content_type, body.size(), extra_headers);
    if (!head_only) out += body;
    return out;
}

} // namespace ferry::runner
