#include "monitor/web/json_view.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::monitor::web;

namespace {

proto::JobView sample_job() {
    proto::JobView job;
    job.id = 7;
    job.pid = 4242;
    job.build = "b1";
    job.source = "src/\"odd\"\nname.c";
    job.phase = "compile";
    job.runner = "r1";
    job.slot = 1;
    job.phase_start_us = 1000;
    job.phases = {{"scan", "local", 0, 10, 20}, {"compile", "r1", 1, 1000, 0}};
    return job;
}

} // namespace

TEST_CASE("IpcJobs as JSON") {
    proto::IpcJobs jobs;
    proto::RunnerStatus r;
    r.name = "r1";
    r.address = "127.0.0.2:3633";
    r.state = "backoff";
    r.slots = 2;
    r.backoff_ms = 900;
    r.compilers = {{"gcc", "c", "x86_64-linux-gnu", "gcc 12", "abcd"}};
    jobs.status.runners = {r};
    jobs.status.local_slots = 2;
    jobs.status.jobs_remote = 5;
    jobs.status.local_reasons = {{"option -fprofile", 3}};
    jobs.jobs = {sample_job()};
    jobs.now_us = 123456789012;

    // Round-trip through text: what the browser parses.
    auto j = nlohmann::json::parse(dump(to_json(jobs)));
    CHECK(j["now_us"] == 123456789012u);
    CHECK(j["status"]["runners"][0]["name"] == "r1");
    CHECK(j["status"]["runners"][0]["state"] == "backoff");
    CHECK(j["status"]["runners"][0]["backoff_ms"] == 900);
    CHECK(j["status"]["runners"][0]["compilers"][0]["target"] == "x86_64-linux-gnu");
    CHECK(j["status"]["local_slots"] == 2);
    CHECK(j["status"]["jobs_remote"] == 5);
    CHECK(j["status"]["local_reasons"]["option -fprofile"] == 3);
    REQUIRE(j["jobs"].size() == 1);
    CHECK(j["jobs"][0]["source"] == "src/\"odd\"\nname.c");
    CHECK(j["jobs"][0]["phases"][1]["lane"] == "r1");
    CHECK(j["jobs"][0]["phases"][1]["end_us"] == 0);
}

TEST_CASE("IpcJobEvent as JSON, one line even with hostile strings") {
    proto::IpcJobEvent event;
    event.job = sample_job();
    event.job.source = std::string("bad\xff\xfe utf8 </script>");
    event.finished = true;
    event.job.outcome = "remote";
    event.job.compile_ms = 812;
    event.now_us = 99;
    std::string text = dump(to_json(event));
    CHECK(text.find('\n') == std::string::npos);
    auto j = nlohmann::json::parse(text);
    CHECK(j["finished"] == true);
    CHECK(j["now_us"] == 99);
    CHECK(j["job"]["outcome"] == "remote");
    CHECK(j["job"]["compile_ms"] == 812);
    CHECK(j["job"]["slot"] == 1);
    CHECK(j["job"]["source"].get<std::string>().find("</script>") != std::string::npos);
}
