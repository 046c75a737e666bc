#include "monitor/web/assets.hpp"

namespace ferry::monitor::web {

const Asset* find_asset(std::string_view path) {
    if (path == "/") path = "/index.html";
    for (const auto& a : assets())
        if (a.path == path) return &a;
    return nullptr;
}

std::string_view content_type(std::string_view path) {
    auto ends_with = [&](std::string_view suffix) {
        return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
    };
    if (path == "/" || ends_with(".html")) return "text/html; charset=utf-8";
    if (ends_with(".js")) return "text/javascript; charset=utf-8";
    if (ends_with(".css")) return "text/css; charset=utf-8";
    if (ends_with(".svg")) return "image/svg+xml";
    return "application/octet-stream";
}

} // namespace ferry::monitor::web
