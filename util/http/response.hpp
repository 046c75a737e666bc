// Writing HTTP/1.x responses for the two small servers (ferryd's --metrics port, `ferry mon
// --web`): one request per connection, so every response says `Connection: close`, and a
// 405 always says what is allowed. What headers a server adds beyond these (the dashboard's
// security policy) is that server's business: `extra_headers`, each ending in CRLF.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ferry::http {

// "404 Not Found" for 404; a generic phrase for codes we do not use.
std::string_view status_phrase(int status);

// A complete head for a body of `content_length` bytes.
std::string response_head(int status, std::string_view content_type, size_t content_length,
                          std::string_view extra_headers = {});

// Head and body. `head_only` (a HEAD request) leaves the body out but keeps its length.
std::string response(int status, std::string_view content_type, std::string_view body,
                     bool head_only = false, std::string_view extra_headers = {});

// A short text/plain answer naming the status ("404 Not Found\n").
std::string error_response(int status, bool head_only = false, std::string_view extra_headers = {});

} // namespace ferry::http
