#include "monitor/status_json.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using nlohmann::json;

TEST_CASE("the status document has every field of schema 1") {
    proto::IpcStatus status;
    status.pid = 321;
    status.remote_capacity = 4;
    status.local_slots = 2;
    status.local_in_use = 1;
    status.queued = 3;
    status.jobs_remote = 10;
    status.jobs_local = 2;
    status.jobs_kept_local = 5;
    status.links_local = 1;
    status.watchers = 2;
    status.speculative_used = 3;
    status.speculative_unused = 4;
    status.local_reasons = {{"no runner is up", 2}, {"an output is not a regular file", 5}};
    proto::RunnerStatus r;
    r.name = "r1";
    r.address = "127.0.0.2:3633";
    r.state = "backoff";
    r.slots = 4;
    r.in_flight = 0;
    r.jobs_done = 9;
    r.failures = 1;
    r.last_error = "refused \xff bytes"; // not UTF-8: must not throw
    r.backoff_ms = 700;
    r.runs_toolchains = true;
    r.compilers = {{"gcc", "c", "x86_64-linux-gnu", "gcc (Debian 12.2.0-14) 12.2.0",
                    "0123456789abcdef0123456789abcdef"}};
    status.runners = {r};

    const std::string text = monitor::status_json_text(status, "$FERRY_HOSTS");
    CHECK(text.back() == '\n');
    CHECK(text.find('\n') == text.size() - 1); // one line
    const json doc = json::parse(text);
    CHECK(doc["schema_version"] == 1);
    CHECK(doc["coordinator_pid"] == 321);
    CHECK(doc["config_source"] == "$FERRY_HOSTS");
    CHECK(doc["remote_capacity"] == 4);
    CHECK(doc["local_slots"] == 2);
    CHECK(doc["local_in_use"] == 1);
    CHECK(doc["queued"] == 3);
    CHECK(doc["watchers"] == 2);
    CHECK(doc["jobs"]["remote"] == 10);
    CHECK(doc["jobs"]["local"] == 7);
    CHECK(doc["jobs"]["sent_back"] == 2);
    CHECK(doc["jobs"]["kept_local"] == 5);
    CHECK(doc["jobs"]["links"] == 1);
    CHECK(doc["jobs"]["speculative_used"] == 3);
    CHECK(doc["jobs"]["speculative_unused"] == 4);
    CHECK(doc["jobs"]["local_reasons"]["no runner is up"] == 2);
    CHECK(doc["jobs"]["local_reasons"]["an output is not a regular file"] == 5);
    REQUIRE(doc["runners"].size() == 1);
    const auto& runner = doc["runners"][0];
    CHECK(runner["name"] == "r1");
    CHECK(runner["address"] == "127.0.0.2:3633");
    CHECK(runner["state"] == "backoff");
    CHECK(runner["slots"] == 4);
    CHECK(runner["busy"] == 0);
    CHECK(runner["jobs_done"] == 9);
    CHECK(runner["failures"] == 1);
    CHECK(runner["last_error"].get<std::string>().rfind("refused ", 0) == 0);
    CHECK(runner["backoff_ms"] == 700);
    CHECK(runner["runs_toolchains"] == true);
    REQUIRE(runner["compilers"].size() == 1);
    CHECK(runner["compilers"][0]["name"] == "gcc");
    CHECK(runner["compilers"][0]["driver"] == "c");
    CHECK(runner["compilers"][0]["target"] == "x86_64-linux-gnu");
    CHECK(runner["compilers"][0]["version"] == "gcc (Debian 12.2.0-14) 12.2.0");
    CHECK(runner["compilers"][0]["id"] == "0123456789abcdef0123456789abcdef");
}

TEST_CASE("an empty status still has every top-level field") {
    const json doc = json::parse(monitor::status_json_text({}, ""));
    for (const char* key :
         {"schema_version", "coordinator_pid", "config_source", "runners", "remote_capacity",
          "local_slots", "local_in_use", "queued", "watchers", "jobs"}) {
        CAPTURE(key);
        CHECK(doc.contains(key));
    }
    CHECK(doc["runners"].is_array());
    CHECK(doc["jobs"]["local_reasons"].is_object());
}

TEST_CASE("include_analysis: the shadow counters, zero when it is off") {
    const json off = json::parse(monitor::status_json_text({}, ""));
    REQUIRE(off.contains("include_analysis"));
    CHECK(off["include_analysis"]["units"] == 0);
    CHECK(off["include_analysis"]["pending"] == false);

    proto::IpcStatus status;
    status.shadow_units = 10;
    status.shadow_superset = 7;
    status.shadow_missed = 1;
    status.shadow_refused = 2;
    status.shadow_extra_files = 14;
    status.shadow_analysis_us = 123'400;
    status.shadow_median_us = 11'500;
    status.shadow_probe_us = 80'000;
    status.shadow_pending = true;
    const json doc = json::parse(monitor::status_json_text(status, ""));
    const auto& a = doc["include_analysis"];
    CHECK(a["units"] == 10);
    CHECK(a["superset"] == 7);
    CHECK(a["missed"] == 1);
    CHECK(a["refused"] == 2);
    CHECK(a["extra_files"] == 14);
    CHECK(a["analysis_ms_total"].get<double>() == doctest::Approx(123.4));
    CHECK(a["analysis_ms_median"].get<double>() == doctest::Approx(11.5));
    CHECK(a["probe_ms_total"].get<double>() == doctest::Approx(80.0));
    CHECK(a["pending"] == true);
}
