#include "monitor/web/sse.hpp"

#include <fmt/format.h>

namespace ferry::monitor::web {

std::string sse_message(std::string_view type, std::string_view data) {
    std::string out = fmt::format("event: {}\n", type);
    // Split on LF, CR and CRLF alike: the parser treats each as a line end.
    size_t start = 0;
    for (size_t i = 0; i <= data.size(); ++i) {
        if (i < data.size() && data[i] != '\n' && data[i] != '\r') continue;
        out += "data: ";
        out.append(data.substr(start, i - start));
        out += '\n';
        if (i + 1 < data.size() && data[i] == '\r' && data[i + 1] == '\n') ++i;
        start = i + 1;
    }
    out += '\n';
    return out;
}

std::string sse_retry(int ms) {
    return fmt::format("retry: {}\n\n", ms);
}

std::string sse_heartbeat() {
    return ": heartbeat\n\n";
}

} // namespace ferry::monitor::web
