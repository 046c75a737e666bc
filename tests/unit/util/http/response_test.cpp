#include "util/http/response.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace ferry::http;

TEST_CASE("responses close the connection and say how long they are") {
    auto r = response(200, "text/plain; version=0.0.4; charset=utf-8", "a 1\n");
    CHECK(r == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
               "Content-Length: 4\r\nConnection: close\r\n\r\na 1\n");
    auto head = response(404, "text/plain", "nope\n", true);
    CHECK(head.find("Content-Length: 5\r\n") != std::string::npos);
    CHECK(head.substr(head.size() - 4) == "\r\n\r\n");
    CHECK(status_phrase(431) == "Request Header Fields Too Large");
    CHECK(status_phrase(505) == "HTTP Version Not Supported");
}

TEST_CASE("a 405 says what is allowed; extra headers go in the head") {
    auto allow = error_response(405);
    CHECK(allow.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0) == 0);
    CHECK(allow.find("Allow: GET, HEAD\r\n") != std::string::npos);
    const std::string body = "\r\n\r\n405 Method Not Allowed\n";
    CHECK(allow.substr(allow.size() - body.size()) == body);
    auto extra = response_head(200, "text/html", 3, "Cache-Control: no-store\r\n");
    CHECK(extra.find("\r\nCache-Control: no-store\r\n") != std::string::npos);
    CHECK(extra.find("Allow:") == std::string::npos);
    auto bare = error_response(404, true);
    CHECK(bare.find("Content-Length: 14\r\n") != std::string::npos);
    CHECK(bare.substr(bare.size() - 4) == "\r\n\r\n");
}
