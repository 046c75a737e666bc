#include "integrations/report/summary.hpp"

#include <fmt/format.h>
#include <string_view>
#include <utility>

namespace ferry::integrations::report {
namespace {

// A runner's name or a reason comes from the coordinator: no control character of theirs
// reaches the terminal.
std::string printable(std::string_view text) {
    std::string out(text.empty() ? "?" : text);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return out;
}

// "r1 52, r2 52"
std::string join_counts(const std::map<std::string, uint64_t>& counts) {
    std::string out;
    for (const auto& [name, n] : counts) {
        if (!out.empty()) out += ", ";
        out += fmt::format("{} {}", printable(name), n);
    }
    return out;
}

std::string seconds(uint64_t us) {
    return fmt::format("{:.1f} s", double(us) / 1e6);
}

// The runner that compiled it: the lane of its last compile step (a job sent again after a
// runner failed has two), else where the job last was.
std::string runner_of(const proto::JobView& job) {
    for (auto it = job.phases.rbegin(); it != job.phases.rend(); ++it)
        if (it->phase == "compile" && !it->lane.empty()) return it->lane;
    return job.runner;
}

} // namespace

Summary summarise(const std::vector<proto::JobView>& finished) {
    Summary s;
    for (const auto& job : finished) {
        for (const auto& span : job.phases)
            if ((span.phase == "wait" || span.phase == "queue") && span.end_us > span.start_us)
                s.waited_us += span.end_us - span.start_us;
        if (job.outcome == "remote") {
            ++s.remote;
            ++s.per_runner[runner_of(job)];
            s.moved_off_ms += job.compile_ms;
        } else if (job.outcome == "local") {
            ++s.local;
            ++s.local_reasons[job.reason.empty() ? "unknown" : job.reason];
        } else if (job.outcome == "fallback") {
            ++s.sent_back;
            ++s.sent_back_reasons[job.reason.empty() ? "unknown" : job.reason];
        } else if (job.outcome == "link") {
            ++s.links;
        } else if (job.outcome == "preprocess") {
            ++s.preprocess;
        } else if (job.outcome == "unused") {
            ++s.speculation_unused;
        } else {
            // "cancelled" and anything a newer coordinator may add: not a compile that ran.
            ++s.cancelled;
        }
    }
    s.jobs = s.remote + s.local + s.sent_back;
    return s;
}

std::string summary_text(const Summary& s, bool incomplete) {
    std::string out = fmt::format("ferry: {} jobs: {} remote", s.jobs, s.remote);
    if (!s.per_runner.empty()) out += " (" + join_counts(s.per_runner) + ")";
    out += fmt::format(", {} local, {} sent back", s.local, s.sent_back);
    if (s.links || s.preprocess || s.speculation_unused || s.cancelled) {
        out += "; not jobs:";
        std::string sep = " ";
        if (s.links) out += fmt::format("{}{} links", std::exchange(sep, ", "), s.links);
        if (s.preprocess)
            out += fmt::format("{}{} preprocess-only", std::exchange(sep, ", "), s.preprocess);
        if (s.speculation_unused)
            out += fmt::format("{}{} speculative starts unused", std::exchange(sep, ", "),
                               s.speculation_unused);
        if (s.cancelled)
            out += fmt::format("{}{} cancelled", std::exchange(sep, ", "), s.cancelled);
    }
    out += "\n";
    if (!s.local_reasons.empty())
        out += "ferry:   kept local: " + join_counts(s.local_reasons) + "\n";
    if (!s.sent_back_reasons.empty())
        out += "ferry:   sent back: " + join_counts(s.sent_back_reasons) + "\n";
    out += fmt::format("ferry:   waited {} for slots; {} of compile moved off this machine\n",
                       seconds(s.waited_us), seconds(s.moved_off_ms * 1000));
    if (incomplete)
        out += "ferry:   (lost the coordinator during the build: these numbers may be short)\n";
    return out;
}

} // namespace ferry::integrations::report
