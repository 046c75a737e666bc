#include "util/http/request_head.hpp"

#include <algorithm>

namespace ferry::http {
namespace {

RequestHead error(int status) {
    RequestHead head;
    head.state = RequestHead::State::error;
    head.error_status = status;
    return head;
}

// Methods are upper-case tokens; the ones served are GET and HEAD (405 for the others).
bool is_method_char(char c) {
    return c >= 'A' && c <= 'Z';
}

// A request target we serve is an origin-form path of printable ASCII; anything else (an
// absolute URI, control bytes, a space smuggled in) is refused before it reaches routing.
bool is_plain_path(std::string_view target) {
    if (target.empty() || target.front() != '/') return false;
    return std::all_of(target.begin(), target.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

} // namespace

RequestHead parse_request_head(std::string_view received, size_t max_head) {
    size_t end = received.find("\r\n\r\n");
    if (end == std::string_view::npos) end = received.find("\n\n");
    if (end == std::string_view::npos || end > max_head) {
        if (received.size() > max_head) return error(431);
        // The request line alone can already be judged: do not wait for a garbage head.
        size_t line_end = received.find('\n');
        if (line_end == std::string_view::npos) line_end = received.size();
        std::string_view line = received.substr(0, line_end);
        size_t i = 0;
        while (i < line.size() && is_method_char(line[i]))
            ++i;
        if (i < line.size() && line[i] != ' ') return error(400);
        return {};
    }

    std::string_view line = received.substr(0, received.find('\n'));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // METHOD SP TARGET SP HTTP/1.x, each separated by exactly one space.
    size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return error(400);
    size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
        return error(400);
    std::string_view method = line.substr(0, sp1);
    std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string_view version = line.substr(sp2 + 1);
    if (method.empty() || !std::all_of(method.begin(), method.end(), is_method_char))
        return error(400);
    if (version.substr(0, 5) != "HTTP/") return error(400);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") return error(505);
    if (!is_plain_path(target)) return error(400);
    if (method != "GET" && method != "HEAD") return error(405);

    RequestHead head;
    head.state = RequestHead::State::complete;
    head.method = std::string(method);
    head.path = std::string(target.substr(0, target.find('?')));
    return head;
}

} // namespace ferry::http
