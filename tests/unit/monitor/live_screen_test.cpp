#include "monitor/live_screen.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::monitor;

namespace {

proto::IpcJobs snapshot(size_t jobs) {
    proto::IpcJobs s;
    s.now_us = 10'000'000;
    s.status.pid = 55;
    s.status.local_slots = 2;
    proto::RunnerStatus r;
    r.name = "r1";
    r.state = "up";
    r.slots = 2;
    r.in_flight = 1;
    s.status.runners = {r};
    for (size_t i = 0; i < jobs; ++i) {
        proto::JobView j;
        j.id = i + 1;
        j.pid = static_cast<uint32_t>(1000 + i);
        j.phase = "compile";
        j.runner = "r1";
        j.slot = 0;
        j.source = "src/file" + std::to_string(i) + ".c";
        s.jobs.push_back(j);
    }
    return s;
}

} // namespace

TEST_CASE("the screen fits the terminal") {
    auto lines = render_screen(snapshot(3), "$FERRY_HOSTS", {160, 50});
    CHECK(lines[0].find("coordinator pid 55") != std::string::npos);
    CHECK(lines[1].find("[#.]") != std::string::npos);
    bool job_shown = false;
    for (const auto& l : lines)
        job_shown |= l.find("r1[0]") != std::string::npos;
    CHECK(job_shown);

    for (auto size : {TerminalSize{20, 50}, TerminalSize{1, 1}, TerminalSize{20, 3}}) {
        auto narrow = render_screen(snapshot(40), "$FERRY_HOSTS", size);
        CHECK(narrow.size() <= size.rows);
        for (const auto& l : narrow)
            CHECK(l.size() <= size.columns);
    }
}

TEST_CASE("jobs that do not fit are counted") {
    auto lines = render_screen(snapshot(40), "", {160, 12});
    REQUIRE(lines.size() == 12);
    CHECK(lines.back().find("more") != std::string::npos);
}

TEST_CASE("a notice replaces the picture; drawing never scrolls") {
    auto lines = render_screen({}, "", {80, 24}, "no coordinator");
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "no coordinator");
    const auto bytes = draw_screen({"a", "b"});
    CHECK(bytes == "\x1b[Ha\x1b[K\r\nb\x1b[K\x1b[J");
}
