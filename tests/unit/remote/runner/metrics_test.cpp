#include "remote/runner/metrics.hpp"
#include "remote/runner/prometheus_text.hpp"

#include <cstring>
#include <doctest/doctest.h>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

using namespace ferry::runner;

static std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

TEST_CASE("histogram buckets are cumulative and +Inf equals the count") {
    prom::Histogram h({0.1, 1, 10});
    for (double v : {0.05, 0.1, 0.5, 1.0, 3.0, 50.0, 1000.0})
        h.observe(v);
    // le is "less than or equal": 0.1 and 1.0 fall into their own bounds' buckets.
    CHECK(h.cumulative() == std::vector<uint64_t>{2, 4, 5, 7});
    CHECK(h.count() == 7);
    CHECK(h.sum() == doctest::Approx(1054.65));

    prom::TextWriter w;
    w.histogram("x_seconds", "How long.", h);
    CHECK(w.text() == "# HELP x_seconds How long.\n"
                      "# TYPE x_seconds histogram\n"
                      "x_seconds_bucket{le=\"0.1\"} 2\n"
                      "x_seconds_bucket{le=\"1\"} 4\n"
                      "x_seconds_bucket{le=\"10\"} 5\n"
                      "x_seconds_bucket{le=\"+Inf\"} 7\n"
                      "x_seconds_sum 1054.65\n"
                      "x_seconds_count 7\n");
}

TEST_CASE("an empty histogram renders every bucket at 0") {
    prom::Histogram h({1, 2});
    prom::TextWriter w;
    w.histogram("h", "help", h);
    CHECK(w.text().find("h_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n") != std::string::npos);
}

TEST_CASE("label values and help text are escaped as the format says") {
    CHECK(prom::escape_label_value("plain") == "plain");
    CHECK(prom::escape_label_value("a\"b") == "a\\\"b");
    CHECK(prom::escape_label_value("a\\b") == "a\\\\b");
    CHECK(prom::escape_label_value("a\nb") == "a\\nb");
    CHECK(prom::escape_help("say \"hi\"\\ \n") == "say \"hi\"\\\\ \\n");

    prom::TextWriter w;
    w.family("m_total", prom::Type::counter, "Line one\nline two.");
    w.sample("m_total", {{"path", "C:\\x\n\"y\""}, {"k", "v"}}, uint64_t(3));
    CHECK(w.text() == "# HELP m_total Line one\\nline two.\n"
                      "# TYPE m_total counter\n"
                      "m_total{path=\"C:\\\\x\\n\\\"y\\\"\",k=\"v\"} 3\n");
}

TEST_CASE("values") {
    CHECK(prom::format_value(0.05) == "0.05");
    CHECK(prom::format_value(300) == "300");
    CHECK(prom::format_value(1.0 / 0.0) == "+Inf");
    CHECK(prom::format_value(-1.0 / 0.0) == "-Inf");
    CHECK(prom::format_value(0.0 / 0.0) == "NaN");
    prom::TextWriter w;
    w.sample("big", {}, uint64_t(18446744073709551615u));
    CHECK(w.text() == "big 18446744073709551615\n"); // not rounded through a double
}

TEST_CASE("job outcomes") {
    CHECK(completed_outcome(0, 0) == JobOutcome::ok);
    CHECK(completed_outcome(1, 0) == JobOutcome::compile_error);
    CHECK(completed_outcome(0, 11) == JobOutcome::signal);
    std::set<std::string> names;
    for (size_t i = 0; i < kJobOutcomes; ++i)
        names.insert(outcome_name(JobOutcome(i)));
    CHECK(names.size() == kJobOutcomes);
    CHECK_FALSE(names.count("unknown"));
}

TEST_CASE("the rendered registry: every family has HELP and TYPE, every sample a family") {
    RunnerMetrics m;
    m.job_received();
    m.job_received();
    m.job_finished(JobOutcome::ok);
    m.job_finished(JobOutcome::refused);
    m.job_ran(0.2);
    m.job_ran(400);
    m.bytes_received(1000);
    m.bytes_sent(20);
    m.cache_hit();
    m.cache_misses(3);
    m.connection_refused(RefusedConnection::not_allowed);
    m.metrics_answered(200);
    m.metrics_answered(431);
    m.metrics_answered(999); // not a code the port gives: not counted, no new series
    RunnerGauges g;
    g.slots_busy = 1;
    g.slots_total = 4;
    g.jobs_queued = 2;
    const std::string text = m.render(g);
    REQUIRE(!text.empty());
    CHECK(text.back() == '\n');

    std::map<std::string, std::string> types;
    std::set<std::string> helps;
    std::map<std::string, std::string> samples;
    for (const auto& line : lines_of(text)) {
        REQUIRE(!line.empty());
        if (line.rfind("# HELP ", 0) == 0) {
            helps.insert(line.substr(7, line.find(' ', 7) - 7));
        } else if (line.rfind("# TYPE ", 0) == 0) {
            auto rest = line.substr(7);
            auto name = rest.substr(0, rest.find(' '));
            CHECK(helps.count(name)); // HELP first
            types[name] = rest.substr(rest.find(' ') + 1);
        } else {
            auto space = line.rfind(' ');
            REQUIRE(space != std::string::npos);
            std::string series = line.substr(0, space);
            std::string name = series.substr(0, series.find('{'));
            std::string family = name;
            for (const char* suffix : {"_bucket", "_sum", "_count"})
                if (!types.count(family) && family.size() > strlen(suffix) &&
                    family.compare(family.size() - strlen(suffix), strlen(suffix), suffix) == 0)
                    family.resize(family.size() - strlen(suffix));
            CHECK_MESSAGE(types.count(family), "sample without TYPE: " << line);
            CHECK(name.rfind("ferryd_", 0) == 0);
            CHECK_MESSAGE(samples.emplace(series, line.substr(space + 1)).second,
                          "duplicate series " << series);
        }
    }
    CHECK(types["ferryd_jobs_finished_total"] == "counter");
    CHECK(types["ferryd_job_duration_seconds"] == "histogram");
    CHECK(types["ferryd_slots_busy"] == "gauge");
    CHECK(samples["ferryd_jobs_received_total"] == "2");
    CHECK(samples["ferryd_jobs_finished_total{result=\"ok\"}"] == "1");
    CHECK(samples["ferryd_jobs_finished_total{result=\"refused\"}"] == "1");
    CHECK(samples["ferryd_jobs_finished_total{result=\"timeout\"}"] == "0"); // there from the start
    CHECK(samples["ferryd_job_duration_seconds_bucket{le=\"0.05\"}"] == "0");
    CHECK(samples["ferryd_job_duration_seconds_bucket{le=\"0.25\"}"] == "1");
    CHECK(samples["ferryd_job_duration_seconds_bucket{le=\"300\"}"] == "1");
    CHECK(samples["ferryd_job_duration_seconds_bucket{le=\"+Inf\"}"] == "2");
    CHECK(samples["ferryd_job_duration_seconds_count"] == "2");
    CHECK(samples["ferryd_received_bytes_total"] == "1000");
    CHECK(samples["ferryd_sent_bytes_total"] == "20");
    CHECK(samples["ferryd_file_cache_hits_total"] == "1");
    CHECK(samples["ferryd_file_cache_misses_total"] == "3");
    CHECK(samples["ferryd_connections_refused_total{reason=\"not_allowed\"}"] == "1");
    CHECK(samples["ferryd_connections_refused_total{reason=\"too_many\"}"] == "0");
    CHECK(samples["ferryd_metrics_responses_total{code=\"431\"}"] == "1");
    CHECK_FALSE(samples.count("ferryd_metrics_responses_total{code=\"999\"}"));
    CHECK(samples["ferryd_slots_busy"] == "1");
    CHECK(samples["ferryd_slots"] == "4");
    CHECK(samples["ferryd_jobs_queued"] == "2");
    CHECK(samples.count("ferryd_connections_open"));
    CHECK(samples.count("ferryd_jobs_in_intake"));
}
