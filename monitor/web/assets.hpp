// The dashboard page, embedded in the binary at build time from monitor/web/assets/ (see
// embed_assets.cmake): the server reads nothing from disk and the page loads nothing from
// any other host.
#pragma once

#include <string_view>
#include <vector>

namespace ferry::monitor::web {

struct Asset {
    std::string_view path; // "/index.html", "/app.js", "/app.css", "/favicon.svg"
    std::string_view bytes;
};

const std::vector<Asset>& assets();

// The asset served at `path` ("/" is /index.html), or nullptr.
const Asset* find_asset(std::string_view path);
// Its media type, from the file name.
std::string_view content_type(std::string_view path);

} // namespace ferry::monitor::web
