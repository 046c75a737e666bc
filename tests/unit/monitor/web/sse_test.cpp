#include "monitor/web/sse.hpp"

#include <doctest/doctest.h>

using namespace ferry::monitor::web;

TEST_CASE("an event carries its type and one data line") {
    CHECK(sse_message("job", R"({"a":1})") == "event: job\ndata: {\"a\":1}\n\n");
}

TEST_CASE("a payload with line breaks becomes several data lines") {
    CHECK(sse_message("snapshot", "one\ntwo\r\nthree\rfour") ==
          "event: snapshot\ndata: one\ndata: two\ndata: three\ndata: four\n\n");
    // A trailing newline is an empty last line, which the browser joins back as "\n".
    CHECK(sse_message("x", "a\n") == "event: x\ndata: a\ndata: \n\n");
    CHECK(sse_message("x", "") == "event: x\ndata: \n\n");
}

TEST_CASE("retry hint and heartbeat") {
    CHECK(sse_retry(2000) == "retry: 2000\n\n");
    CHECK(sse_heartbeat().front() == ':'); // a comment: ignored by EventSource
    CHECK(sse_heartbeat().substr(sse_heartbeat().size() - 2) == "\n\n");
}
