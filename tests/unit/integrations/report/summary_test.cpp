#include "integrations/report/summary.hpp"
#include "jobs_fixture.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace ferry::integrations::report;
using namespace ferry::integrations::report::testing;

namespace {

std::vector<ferry::proto::JobView> sample_build() {
    std::vector<ferry::proto::JobView> jobs;
    for (int i = 0; i < 5; ++i)
        jobs.push_back(remote_job(uint64_t(i), "r1_" + std::to_string(i) + ".c", "r1", i % 2,
                                  uint64_t(i) * 1000, 2000));
    for (int i = 5; i < 8; ++i)
        jobs.push_back(remote_job(uint64_t(i), "r2.c", "r2", 0, uint64_t(i) * 1000, 1500));
    jobs.push_back(local_job(8, "temps.c", "local", "-save-temps writes files", 0, 0));
    jobs.push_back(local_job(9, "x.c", "fallback", "runner failed", 1, 0));
    jobs.push_back(local_job(10, "y.c", "fallback", "runner failed", 0, 5000));
    jobs.push_back(local_job(11, "app", "link", "", 0, 9000));
    jobs.push_back(local_job(12, "p.c", "preprocess", "", 1, 9000));
    jobs.push_back(local_job(13, "z.c", "cancelled", "", 1, 9500));
    // A speculative start its wrapper did not use: the runner compiled it, the build did not.
    auto unused = remote_job(14, "r1_0.c", "r1", 0, 9600, 700);
    unused.outcome = "unused";
    jobs.push_back(unused);
    return jobs;
}

} // namespace

TEST_CASE("counts: remote per runner, kept local, sent back; links and others are not jobs") {
    Summary s = summarise(sample_build());
    CHECK(s.jobs == 11);
    CHECK(s.remote == 8);
    CHECK(s.per_runner == std::map<std::string, uint64_t>{{"r1", 5}, {"r2", 3}});
    CHECK(s.local == 1);
    CHECK(s.local_reasons.at("-save-temps writes files") == 1);
    CHECK(s.sent_back == 2);
    CHECK(s.sent_back_reasons.at("runner failed") == 2);
    CHECK(s.links == 1);
    CHECK(s.preprocess == 1);
    CHECK(s.cancelled == 1);
    CHECK(s.speculation_unused == 1);
}

TEST_CASE("waited time is every wait and queue step; CPU moved is the remote compile_ms") {
    Summary s = summarise(sample_build());
    // 9 remote jobs (one unused): wait 10 + queue 50; 6 local-slot jobs: wait 1000.
    CHECK(s.waited_us == 9 * 60 + 6 * 1000);
    CHECK(s.moved_off_ms == 5 * 2000 + 3 * 1500);
}

TEST_CASE("the text: one block of at most 6 lines with every number") {
    std::string t = summary_text(summarise(sample_build()));
    CHECK(t.find("ferry: 11 jobs: 8 remote (r1 5, r2 3), 1 local, 2 sent back") == 0);
    CHECK(t.find("1 links") != std::string::npos);
    CHECK(t.find("1 speculative starts unused") != std::string::npos);
    CHECK(t.find("kept local: -save-temps writes files 1") != std::string::npos);
    CHECK(t.find("sent back: runner failed 2") != std::string::npos);
    CHECK(t.find("14.5 s of compile moved off this machine") != std::string::npos);
    CHECK(t.find("waited 0.0 s for slots") != std::string::npos);
    CHECK(std::count(t.begin(), t.end(), '\n') <= 6);
}

TEST_CASE("an empty build and a hostile runner name") {
    std::string empty = summary_text(summarise({}));
    CHECK(empty.find("ferry: 0 jobs: 0 remote, 0 local, 0 sent back") == 0);
    auto job = remote_job(1, "a.c", "evil\033]2;pwned\007\nname", 0, 0, 1);
    std::string t = summary_text(summarise({job}), true);
    CHECK(t.find('\033') == std::string::npos);
    CHECK(t.find('\007') == std::string::npos);
    CHECK(t.find("may be short") != std::string::npos);
    CHECK(std::count(t.begin(), t.end(), '\n') <= 6);
}

TEST_CASE("a remote job counts for the runner of its last compile step") {
    auto job = remote_job(1, "a.c", "r2", 0, 0, 1);
    job.runner = "";
    job.phases.insert(job.phases.begin() + 3, span("compile", "r1", 0, 120, 140));
    Summary s = summarise({job});
    CHECK(s.per_runner == std::map<std::string, uint64_t>{{"r2", 1}});
}
