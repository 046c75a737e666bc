#include "remote/runner/http_message.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace ferry::runner;
using Status = ParsedHead::Status;

TEST_CASE("a request head is complete at the first empty line") {
    CHECK(parse_request_head("").status == Status::incomplete);
    CHECK(parse_request_head("GET /metrics HTTP/1.1\r\nHost: x\r\n").status == Status::incomplete);
    auto p = parse_request_head("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n");
    REQUIRE(p.status == Status::complete);
    CHECK(p.head.method == "GET");
    CHECK(p.head.path == "/metrics");
    auto lf = parse_request_head("HEAD /metrics?name[]=x HTTP/1.0\n\n");
    REQUIRE(lf.status == Status::complete);
    CHECK(lf.head.method == "HEAD");
    CHECK(lf.head.path == "/metrics");
}

TEST_CASE("malformed request lines") {
    for (const char* bad :
         {"GET\r\n\r\n", "GET  /metrics HTTP/1.1\r\n\r\n", "GET metrics HTTP/1.1\r\n\r\n",
          "GET /metrics HTTP/2\r\n\r\n", "GET /metrics\r\n\r\n", "G(T /metrics HTTP/1.1\r\n\r\n",
          "GET /me\x01trics HTTP/1.1\r\n\r\n", "\r\n\r\n"})
        CHECK_MESSAGE(parse_request_head(bad).status == Status::malformed, bad);
    // Any token is a method: whether it is allowed is the server's answer (405), not a 400.
    CHECK(parse_request_head("DELETE /metrics HTTP/1.1\r\n\r\n").status == Status::complete);
}

TEST_CASE("responses close the connection and say how long they are") {
    auto r = http_response(200, "text/plain; version=0.0.4; charset=utf-8", "a 1\n");
    CHECK(r == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
               "Content-Length: 4\r\nConnection: close\r\n\r\na 1\n");
    auto head = http_response(404, "text/plain", "nope\n", true);
    CHECK(head.find("Content-Length: 5\r\n") != std::string::npos);
    CHECK(head.substr(head.size() - 4) == "\r\n\r\n");
    auto allow = http_response(405, "text/plain", "", false, "Allow: GET, HEAD\r\n");
    CHECK(allow.find("405 Method Not Allowed\r\n") != std::string::npos);
    CHECK(allow.find("Allow: GET, HEAD\r\n\r\n") != std::string::npos);
    CHECK(std::string(http_reason(431)) == "Request Header Fields Too Large");
}
