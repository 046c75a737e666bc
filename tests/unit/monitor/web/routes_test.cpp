#include "monitor/web/routes.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::monitor::web;
using ferry::monitor::Board;

namespace {

Reply get(const Board& board, std::string path, std::string method = "GET") {
    http::RequestHead head;
    head.state = http::RequestHead::State::complete;
    head.method = std::move(method);
    head.path = std::move(path);
    return dashboard_router(board)(head);
}

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("the page, its script and style are served with the security headers") {
    Board board;
    for (const char* path : {"/", "/app.js", "/app.css"}) {
        Reply r = get(board, path);
        CHECK_FALSE(r.stream);
        CHECK(has(r.bytes, "HTTP/1.1 200 OK\r\n"));
        CHECK(has(r.bytes, "Cache-Control: no-store\r\n"));
        CHECK(has(r.bytes, "Content-Security-Policy: default-src 'self'\r\n"));
    }
    CHECK(has(get(board, "/").bytes, "<script src=\"/app.js\""));
    // No inline script: the CSP would block it.
    CHECK_FALSE(has(get(board, "/").bytes, "<script>"));
    CHECK(has(get(board, "/app.js").bytes, "text/javascript"));
}

TEST_CASE("unknown paths are 404, HEAD has no body") {
    Board board;
    CHECK(has(get(board, "/etc/passwd").bytes, "HTTP/1.1 404 Not Found\r\n"));
    CHECK(has(get(board, "/index.html/..").bytes, "404"));
    Reply head = get(board, "/state", "HEAD");
    CHECK(has(head.bytes, "Content-Length: "));
    CHECK(head.bytes.substr(head.bytes.size() - 4) == "\r\n\r\n");
}

TEST_CASE("/events opens a stream with a retry hint and a snapshot") {
    Board board;
    Reply r = get(board, "/events");
    CHECK(r.stream);
    CHECK(has(r.bytes, "Content-Type: text/event-stream"));
    CHECK(has(r.bytes, "\r\n\r\nretry: "));
    CHECK(has(r.bytes, "event: snapshot\ndata: {"));
    CHECK_FALSE(get(board, "/events", "HEAD").stream);
}
