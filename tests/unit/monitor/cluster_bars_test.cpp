#include "monitor/cluster_bars.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::monitor;

TEST_CASE("a bar has a cell per slot") {
    CHECK(slot_bar(3, 6) == "[###...]");
    CHECK(slot_bar(0, 2) == "[..]");
    CHECK(slot_bar(2, 2) == "[##]");
    CHECK(slot_bar(0, 0) == "[]");
    CHECK(slot_bar(9, 2) == "[##]"); // more busy than slots: full, not out of bounds
}

TEST_CASE("wide pools are scaled, and one busy slot still shows") {
    const auto bar = slot_bar(1, 1000);
    CHECK(bar.size() == kMaxBarCells + 2);
    CHECK(bar[1] == '#');
    CHECK(slot_bar(1000, 1000) == "[" + std::string(kMaxBarCells, '#') + "]");
}

TEST_CASE("one bar per runner, then local and the queue") {
    proto::IpcStatus status;
    status.pid = 4711;
    status.remote_capacity = 6;
    status.local_slots = 2;
    status.local_in_use = 1;
    status.queued = 5;
    proto::RunnerStatus r1;
    r1.name = "r1";
    r1.state = "up";
    r1.slots = 6;
    r1.in_flight = 3;
    proto::RunnerStatus r2;
    r2.name = "second";
    r2.state = "backoff";
    r2.slots = 2;
    r2.backoff_ms = 1500;
    r2.last_error = "connection refused";
    status.runners = {r1, r2};

    auto lines = cluster_bars(status);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].rfind("r1  ", 0) == 0);
    CHECK(lines[0].find("[###...]") != std::string::npos);
    CHECK(lines[0].find("3/6") != std::string::npos);
    CHECK(lines[0].find("up") != std::string::npos);
    CHECK(lines[1].find("backoff (retry in 1.5s): connection refused") != std::string::npos);
    CHECK(lines[2].rfind("local", 0) == 0);
    CHECK(lines[2].find("[#.]") != std::string::npos);
    CHECK(lines[2].find("1/2") != std::string::npos);
    CHECK(lines[3] == "queued: 5");

    const auto header = status_header(status, "/etc/ferry/hosts.toml");
    CHECK(header.find("pid 4711") != std::string::npos);
    CHECK(header.find("/etc/ferry/hosts.toml") != std::string::npos);
    CHECK(header.find("capacity 6 remote + 2 local slots") != std::string::npos);
}
