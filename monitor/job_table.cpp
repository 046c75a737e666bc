#include "monitor/job_table.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ferry::monitor {
namespace {

bool finished(const proto::JobView& job) {
    return !job.outcome.empty() || job.phase == "done";
}

} // namespace

std::string phase_word(std::string_view phase) {
    struct Word {
        std::string_view phase, word;
    };
    static constexpr Word kWords[] = {
        {"wait", "slot-wait"}, {"scan", "scanning"},     {"queue", "queued"},
        {"send", "sending"},   {"compile", "compiling"}, {"receive", "receiving"},
        {"local", "local"},    {"waiting", "waiting"},   {"done", "done"}};
    for (const auto& w : kWords)
        if (w.phase == phase) return std::string(w.word);
    return phase.empty() ? std::string("-") : std::string(phase);
}

std::string job_place(const proto::JobView& job) {
    if (job.runner.empty()) return "-";
    if (job.slot < 0) return job.runner;
    return fmt::format("{}[{}]", job.runner, job.slot);
}

std::string format_duration(uint64_t start_us, uint64_t now_us) {
    const uint64_t us = now_us > start_us ? now_us - start_us : 0;
    const uint64_t tenths = us / 100'000;
    if (tenths < 600) return fmt::format("{}.{}s", tenths / 10, tenths % 10);
    const uint64_t s = us / 1'000'000;
    if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
    return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
}

std::vector<std::string> format_job_table(const std::vector<proto::JobView>& jobs,
                                          uint64_t now_us) {
    std::vector<const proto::JobView*> live;
    for (const auto& job : jobs)
        if (!finished(job)) live.push_back(&job);
    if (live.empty()) return {"no jobs in flight"};
    std::sort(live.begin(), live.end(),
              [](const proto::JobView* a, const proto::JobView* b) { return a->id < b->id; });

    size_t place_width = 5;
    for (const auto* job : live)
        place_width = std::max(place_width, job_place(*job).size());
    std::vector<std::string> lines;
    lines.push_back(fmt::format("{:>7}  {:<9}  {:<{}}  {:>6}  {}", "PID", "PHASE", "WHERE",
                                place_width, "TIME", "SOURCE"));
    for (const auto* job : live)
        lines.push_back(fmt::format("{:>7}  {:<9}  {:<{}}  {:>6}  {}", job->pid,
                                    phase_word(job->phase), job_place(*job), place_width,
                                    format_duration(job->phase_start_us, now_us),
                                    job->source.empty() ? "-" : job->source));
    return lines;
}

std::string fit_width(std::string_view line, size_t width) {
    if (width == 0 || line.size() <= width) return std::string(line);
    size_t cut = width;
    // Back up over UTF-8 continuation bytes (10xxxxxx) to the start of a character.
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80)
        --cut;
    return std::string(line.substr(0, cut));
}

} // namespace ferry::monitor
