#include "util/http/request_head.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace ferry::http;
using State = RequestHead::State;

TEST_CASE("a browser's GET head parses, query string dropped") {
    auto head = parse_request_head("GET /events?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                                   "Accept: text/event-stream\r\n\r\n");
    REQUIRE(head.state == State::complete);
    CHECK(head.method == "GET");
    CHECK(head.path == "/events");
}

TEST_CASE("headers are skipped: the head is complete at the first empty line") {
    CHECK(parse_request_head("GET /metrics HTTP/1.1\r\nHost: x\r\n").state == State::incomplete);
    auto head = parse_request_head("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n");
    REQUIRE(head.state == State::complete);
    CHECK(head.path == "/metrics");
    auto lf = parse_request_head("HEAD /metrics?name[]=x HTTP/1.0\n\n");
    REQUIRE(lf.state == State::complete);
    CHECK(lf.path == "/metrics");
}

TEST_CASE("HEAD and bare-LF heads are accepted") {
    auto head = parse_request_head("HEAD / HTTP/1.0\n\n");
    REQUIRE(head.state == State::complete);
    CHECK(head.method == "HEAD");
    CHECK(head.path == "/");
}

TEST_CASE("a head still arriving is incomplete") {
    CHECK(parse_request_head("").state == State::incomplete);
    CHECK(parse_request_head("GE").state == State::incomplete);
    CHECK(parse_request_head("GET / HTTP/1.1\r\nHost: x\r\n").state == State::incomplete);
}

TEST_CASE("an oversized head is 431") {
    std::string big = "GET / HTTP/1.1\r\nX-Pad: " + std::string(kMaxRequestHead, 'a');
    auto head = parse_request_head(big);
    CHECK(head.state == State::error);
    CHECK(head.error_status == 431);
    // Complete, but its end lies beyond the cap: refused all the same.
    head = parse_request_head(big + "\r\n\r\n");
    CHECK(head.state == State::error);
    CHECK(head.error_status == 431);
}

TEST_CASE("the cap is the server's: a smaller one refuses a head the default takes") {
    const std::string head =
        "GET /metrics HTTP/1.1\r\nX-Pad: " + std::string(100, 'a') + "\r\n\r\n";
    CHECK(parse_request_head(head).state == State::complete);
    auto small = parse_request_head(head, 64);
    CHECK(small.state == State::error);
    CHECK(small.error_status == 431);
    // Still arriving, under the cap: wait for more.
    CHECK(parse_request_head(head.substr(0, 60), 64).state == State::incomplete);
}

TEST_CASE("methods other than GET and HEAD are 405") {
    for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "CONNECT", "TRACE"}) {
        auto head = parse_request_head(std::string(method) + " / HTTP/1.1\r\n\r\n");
        CHECK(head.state == State::error);
        CHECK(head.error_status == 405);
    }
}

TEST_CASE("garbage is 400, early when the request line already shows it") {
    for (const char* junk : {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "get / HTTP/1.1\r\n",
                             "GET\t/ HTTP/1.1\r\n"}) {
        auto head = parse_request_head(junk);
        CHECK(head.state == State::error);
        CHECK(head.error_status == 400);
    }
    for (const char* bad :
         {"GET\r\n\r\n", "\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n", "GET /metrics\r\n\r\n",
          "GET / \r\n\r\n", "GET  / HTTP/1.1\r\n\r\n", "GET http://evil/ HTTP/1.1\r\n\r\n",
          "GET / FTP/1.0\r\n\r\n", "GET /a b HTTP/1.1\r\n\r\n", "GET /\x01 HTTP/1.1\r\n\r\n"}) {
        auto head = parse_request_head(bad);
        CHECK_MESSAGE(head.state == State::error, bad);
        CHECK(head.error_status == 400);
    }
    auto v2 = parse_request_head("GET / HTTP/2.0\r\n\r\n");
    CHECK(v2.error_status == 505);
}
