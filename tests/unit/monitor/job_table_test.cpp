#include "monitor/job_table.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::monitor;

namespace {

proto::JobView job(uint64_t id, uint32_t pid, std::string phase, std::string runner, int slot,
                   uint64_t start_us, std::string source) {
    proto::JobView j;
    j.id = id;
    j.pid = pid;
    j.phase = std::move(phase);
    j.runner = std::move(runner);
    j.slot = slot;
    j.phase_start_us = start_us;
    j.source = std::move(source);
    return j;
}

bool has(const std::vector<std::string>& lines, const std::string& needle) {
    for (const auto& l : lines)
        if (l.find(needle) != std::string::npos) return true;
    return false;
}

} // namespace

TEST_CASE("every phase has a word") {
    CHECK(phase_word("scan") == "scanning");
    CHECK(phase_word("queue") == "queued");
    CHECK(phase_word("send") == "sending");
    CHECK(phase_word("compile") == "compiling");
    CHECK(phase_word("receive") == "receiving");
    CHECK(phase_word("local") == "local");
    CHECK(phase_word("wait") == "slot-wait");
    CHECK(phase_word("waiting") == "waiting");
    CHECK(phase_word("something-new") == "something-new");
    CHECK(phase_word("") == "-");
}

TEST_CASE("a job's place is host[slot]") {
    CHECK(job_place(job(1, 1, "compile", "r1", 3, 0, "a.c")) == "r1[3]");
    CHECK(job_place(job(1, 1, "local", "local", 0, 0, "a.c")) == "local[0]");
    CHECK(job_place(job(1, 1, "send", "r2", -1, 0, "a.c")) == "r2");
    CHECK(job_place(job(1, 1, "queue", "", -1, 0, "a.c")) == "-");
}

TEST_CASE("durations are short and never negative") {
    CHECK(format_duration(0, 0) == "0.0s");
    CHECK(format_duration(1'000'000, 1'450'000) == "0.4s");
    CHECK(format_duration(0, 12'300'000) == "12.3s");
    CHECK(format_duration(0, 59'990'000) == "59.9s");
    CHECK(format_duration(0, 125'000'000) == "2m05s");
    CHECK(format_duration(0, 3'720'000'000ULL) == "1h02m");
    CHECK(format_duration(5'000'000, 1'000'000) == "0.0s"); // start after now
}

TEST_CASE("the table lists unfinished jobs, oldest first") {
    std::vector<proto::JobView> jobs = {
        job(7, 4242, "compile", "r1", 1, 1'000'000, "src/b.c"),
        job(3, 4100, "scan", "local", 0, 2'000'000, "src/a.c"),
        job(9, 4300, "queue", "", -1, 2'500'000, "src/c.c"),
    };
    auto done = job(2, 4000, "done", "r2", 0, 0, "src/old.c");
    done.outcome = "remote";
    jobs.push_back(done);
    auto lines = format_job_table(jobs, 3'000'000);
    REQUIRE(lines.size() == 4); // heading + 3 jobs
    CHECK(lines[0].find("PID") != std::string::npos);
    CHECK(lines[1].find("4100") != std::string::npos);
    CHECK(lines[1].find("scanning") != std::string::npos);
    CHECK(lines[1].find("local[0]") != std::string::npos);
    CHECK(lines[1].find("1.0s") != std::string::npos);
    CHECK(lines[2].find("r1[1]") != std::string::npos);
    CHECK(lines[2].find("compiling") != std::string::npos);
    CHECK(lines[2].find("2.0s") != std::string::npos);
    CHECK(lines[2].find("src/b.c") != std::string::npos);
    CHECK(lines[3].find("queued") != std::string::npos);
    CHECK_FALSE(has(lines, "src/old.c"));
}

TEST_CASE("an empty board says so") {
    auto lines = format_job_table({}, 0);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "no jobs in flight");
}

TEST_CASE("lines are cut to the width, never inside a UTF-8 character") {
    CHECK(fit_width("abcdef", 0) == "abcdef");
    CHECK(fit_width("abcdef", 10) == "abcdef");
    CHECK(fit_width("abcdef", 3) == "abc");
    CHECK(fit_width("ab\xc3\xa9z", 3) == "ab"); // é is two bytes: dropped whole
    CHECK(fit_width("ab\xc3\xa9z", 4) == "ab\xc3\xa9");
    auto lines = format_job_table(
        {job(1, 99999, "compile", "a-very-long-runner-name", 12, 0, "some/deep/path/to/source.c")},
        1);
    for (const auto& l : lines)
        CHECK(fit_width(l, 20).size() <= 20);
}
