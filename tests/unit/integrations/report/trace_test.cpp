#include "integrations/report/trace.hpp"
#include "jobs_fixture.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

using namespace ferry::integrations::report;
using namespace ferry::integrations::report::testing;
using nlohmann::json;

namespace {

struct Parsed {
    json doc;
    std::map<int, std::string> process;                // pid -> name
    std::map<std::pair<int, int>, std::string> thread; // (pid, tid) -> name
    std::vector<json> complete;
};

Parsed parse(const std::string& text) {
    Parsed p;
    p.doc = json::parse(text);
    for (const auto& e : p.doc.at("traceEvents")) {
        if (e.at("ph") == "M" && e.at("name") == "process_name")
            p.process[e.at("pid")] = e.at("args").at("name");
        else if (e.at("ph") == "M" && e.at("name") == "thread_name")
            p.thread[{e.at("pid"), e.at("tid")}] = e.at("args").at("name");
        else if (e.at("ph") == "X")
            p.complete.push_back(e);
    }
    return p;
}

std::vector<ferry::proto::JobView> jobs() {
    return {remote_job(1, "a.c", "r1", 0, 1000, 5), remote_job(2, "b.c", "r1", 1, 1000, 5),
            remote_job(3, "c.c", "r2", 0, 1500, 5),
            local_job(4, "keep.c", "local", "-save-temps", 1, 1200)};
}

} // namespace

TEST_CASE("trace: lanes per runner, local and queue, a thread per slot, named") {
    Parsed p = parse(trace_json({jobs(), 500, "b1"}));
    CHECK(p.doc.at("displayTimeUnit") == "ms");
    CHECK(p.doc.at("otherData").at("build") == "b1");
    CHECK(p.doc.at("otherData").at("jobs") == 4);
    CHECK(p.process.at(kLocalPid) == "local");
    CHECK(p.process.at(kQueuePid) == "queue");
    CHECK(p.process.at(kFirstRunnerPid) == "r1");
    CHECK(p.process.at(kFirstRunnerPid + 1) == "r2");
    CHECK(p.thread.at({kFirstRunnerPid, 0}) == "r1 slot 0");
    CHECK(p.thread.at({kFirstRunnerPid, 1}) == "r1 slot 1");
    CHECK(p.thread.at({kFirstRunnerPid + 1, 0}) == "r2 slot 0");
    CHECK(p.thread.at({kLocalPid, 3}) == "local slot 3");
    CHECK(p.thread.at({kLocalPid, 1}) == "local slot 1");
    // Every complete event sits on a named lane.
    for (const auto& e : p.complete)
        CHECK(p.thread.count({e.at("pid"), e.at("tid")}) == 1);
}

TEST_CASE("trace: every step once, ts relative to the build start, durations >= 0") {
    Parsed p = parse(trace_json({jobs(), 500, "b1"}));
    CHECK(p.complete.size() == 3 * 6 + 2);
    for (const auto& e : p.complete) {
        CHECK(e.at("ts").get<int64_t>() >= 0);
        CHECK(e.at("dur").get<int64_t>() >= 0);
    }
    // a.c's compile: r1 slot 0, from 1200 to 1900 on the clock, 500 the start.
    bool found = false;
    for (const auto& e : p.complete)
        if (e.at("name") == "a.c" && e.at("cat") == "compile") {
            found = true;
            CHECK(e.at("pid") == kFirstRunnerPid);
            CHECK(e.at("tid") == 0);
            CHECK(e.at("ts") == 700);
            CHECK(e.at("dur") == 700);
            CHECK(e.at("args").at("outcome") == "remote");
            CHECK(e.at("args").at("compile_ms") == 5);
            CHECK(e.at("args").at("pid") == 1001);
        }
    CHECK(found);
    for (const auto& e : p.complete)
        if (e.at("name") == "keep.c" && e.at("cat") == "local") {
            CHECK(e.at("pid") == kLocalPid);
            CHECK(e.at("args").at("reason") == "-save-temps");
        }
}

TEST_CASE("trace: waiting steps go to queue rows that never overlap") {
    Parsed p = parse(trace_json({jobs(), 0, "b"}));
    std::map<std::pair<int, int>, std::vector<std::pair<int64_t, int64_t>>> rows;
    for (const auto& e : p.complete) {
        if (e.at("cat") == "wait" || e.at("cat") == "queue") CHECK(e.at("pid") == kQueuePid);
        rows[{e.at("pid"), e.at("tid")}].push_back(
            {e.at("ts"), e.at("ts").get<int64_t>() + e.at("dur").get<int64_t>()});
    }
    for (auto& [lane, spans] : rows) {
        std::sort(spans.begin(), spans.end());
        for (size_t i = 1; i < spans.size(); ++i)
            CHECK(spans[i].first >= spans[i - 1].second);
    }
    CHECK(rows.size() > 3);
}

TEST_CASE("trace: hostile inputs — bytes that are not UTF-8, open steps, steps before start") {
    auto odd = remote_job(7, std::string("bad\xff\xfe name.c"), "r\"1", 0, 100, 1);
    odd.phases.back().end_us = 0;                             // never closed
    odd.phases.push_back(span("local", "local", -1, 50, 20)); // ends before it starts, no slot
    std::string text;
    REQUIRE_NOTHROW(text = trace_json({{odd}, 1000, "b"}));
    Parsed p = parse(text);
    for (const auto& e : p.complete) {
        CHECK(e.at("ts").get<int64_t>() >= 0);
        CHECK(e.at("dur").get<int64_t>() >= 0);
    }
    CHECK(p.process.at(kFirstRunnerPid) == "r\"1");
    CHECK(parse(trace_json({{}, 0, ""})).complete.empty());
}
