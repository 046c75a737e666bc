#include "integrations/report/trace.hpp"

#include "integrations/report/summary.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace ferry::integrations::report {
namespace {

using nlohmann::json;

// Rows for steps that hold no slot: the first row whose last step ended by `start`.
class RowAllocator {
  public:
    int place(uint64_t start, uint64_t end) {
        for (size_t i = 0; i < m_free_at.size(); ++i)
            if (m_free_at[i] <= start) {
                m_free_at[i] = end;
                return int(i);
            }
        m_free_at.push_back(end);
        return int(m_free_at.size() - 1);
    }

  private:
    std::vector<uint64_t> m_free_at;
};

struct Step {
    const proto::JobView* job;
    const proto::PhaseSpan* span;
    uint64_t end_us;
};

json metadata(const char* what, int pid, int tid, const std::string& name) {
    return json{
        {"name", what}, {"ph", "M"}, {"pid", pid}, {"tid", tid}, {"args", {{"name", name}}}};
}

} // namespace

std::string trace_json(const TraceInput& input) {
    // Every step, with an end (a step still open in a finished job ends where the job's
    // last known step does: never a negative duration).
    std::vector<Step> steps;
    uint64_t origin = input.start_us;
    for (const auto& job : input.finished) {
        uint64_t last = 0;
        for (const auto& span : job.phases)
            last = std::max({last, span.start_us, span.end_us});
        for (const auto& span : job.phases) {
            uint64_t end = span.end_us ? std::max(span.end_us, span.start_us) : last;
            steps.push_back({&job, &span, std::max(end, span.start_us)});
            if (origin == 0 || span.start_us < origin) origin = span.start_us;
        }
    }
    std::sort(steps.begin(), steps.end(),
              [](const Step& a, const Step& b) { return a.span->start_us < b.span->start_us; });

    // A runner's rows are computed here, not taken from the coordinator's lane slots: the
    // board holds a runner's slot through `receive` (until the wrapper has its answer),
    // while the runner itself took its next job as soon as it answered, so the board's
    // slot numbers run past the runner's slots. What occupies a runner slot is a job's
    // `send` and the `compile` after it; those get the lowest row free when they begin
    // (in start order, which never needs more rows than the runner had jobs at once), and
    // `receive` goes to rows of its own below them.
    struct Occupancy {
        std::string runner;
        uint64_t start, end;
        std::vector<const proto::PhaseSpan*> spans;
    };
    std::vector<Occupancy> occupancies;
    for (const auto& job : input.finished)
        for (size_t i = 0; i < job.phases.size(); ++i) {
            const auto& span = job.phases[i];
            if (span.phase != "send" && span.phase != "compile") continue;
            if (span.lane.empty() || span.lane == "local") continue;
            // A compile right after its send, on the same runner, is the same occupancy.
            if (span.phase == "compile" && i > 0 && job.phases[i - 1].phase == "send" &&
                job.phases[i - 1].lane == span.lane)
                continue;
            Occupancy o{span.lane, span.start_us, span.end_us, {&span}};
            if (span.phase == "send" && i + 1 < job.phases.size() &&
                job.phases[i + 1].phase == "compile" && job.phases[i + 1].lane == span.lane) {
                o.spans.push_back(&job.phases[i + 1]);
                o.end = job.phases[i + 1].end_us;
            }
            o.end = std::max(o.end, o.start);
            occupancies.push_back(std::move(o));
        }
    std::stable_sort(occupancies.begin(), occupancies.end(),
                     [](const Occupancy& a, const Occupancy& b) { return a.start < b.start; });
    std::map<std::string, RowAllocator> runner_rows;
    std::map<const proto::PhaseSpan*, int> row_of;
    for (const auto& o : occupancies) {
        int row = runner_rows[o.runner].place(o.start, o.end);
        for (const auto* span : o.spans)
            row_of[span] = row;
    }
    std::map<std::string, RowAllocator> answer_rows;
    constexpr int kAnswerBase = 1000;

    std::set<std::string> runners;
    for (const auto& s : steps)
        if (!s.span->lane.empty() && s.span->lane != "local" && s.span->phase != "wait" &&
            s.span->phase != "queue")
            runners.insert(s.span->lane);
    std::map<std::string, int> runner_pid;
    int next_pid = kFirstRunnerPid;
    for (const auto& r : runners)
        runner_pid[r] = next_pid++;

    json events = json::array();
    events.push_back(metadata("process_name", kLocalPid, 0, "local"));
    events.push_back(metadata("process_name", kQueuePid, 0, "queue"));
    for (const auto& [name, pid] : runner_pid)
        events.push_back(metadata("process_name", pid, 0, name));

    // Slot rows are the coordinator's; a step on a lane without a slot (not expected, but
    // a coordinator could send one) gets a row of its own far below them, so it never
    // overlaps a slot's steps.
    constexpr int kUnslottedBase = 10000;
    std::map<int, RowAllocator> unslotted;       // by pid
    RowAllocator waiting;                        // the queue group
    std::set<std::pair<int, int>> named_threads; // (pid, tid) with thread_name emitted
    std::map<int, std::string> group_name = {{kLocalPid, "local"}, {kQueuePid, "queue"}};
    for (const auto& [name, pid] : runner_pid)
        group_name[pid] = name;

    for (const auto& s : steps) {
        const auto& span = *s.span;
        int pid = kLocalPid;
        int tid = 0;
        std::string thread;
        if (span.phase == "wait" || span.phase == "queue") {
            pid = kQueuePid;
            tid = waiting.place(span.start_us, s.end_us);
            thread = fmt::format("waiting {}", tid);
        } else {
            const bool local = span.lane.empty() || span.lane == "local";
            pid = local ? kLocalPid : runner_pid[span.lane];
            if (auto held = row_of.find(&span); !local && held != row_of.end()) {
                tid = held->second;
                thread = fmt::format("{} slot {}", group_name[pid], tid);
            } else if (!local && span.phase == "receive") {
                int row = answer_rows[span.lane].place(span.start_us, s.end_us);
                tid = kAnswerBase + row;
                thread = fmt::format("{} answers {}", group_name[pid], row);
            } else if (local && span.slot >= 0) {
                tid = span.slot;
                thread = fmt::format("{} slot {}", group_name[pid], tid);
            } else {
                int row = unslotted[pid].place(span.start_us, s.end_us);
                tid = kUnslottedBase + row;
                thread = fmt::format("{} (no slot) {}", group_name[pid], row);
            }
        }
        if (named_threads.insert({pid, tid}).second)
            events.push_back(metadata("thread_name", pid, tid, thread));
        const auto& job = *s.job;
        json args = {{"pid", job.pid}, {"job", job.id}, {"outcome", job.outcome}};
        if (!job.reason.empty()) args["reason"] = job.reason;
        if (job.outcome == "remote") args["compile_ms"] = job.compile_ms;
        events.push_back(json{{"name", job.source.empty() ? job.outcome : job.source},
                              {"cat", span.phase},
                              {"ph", "X"},
                              {"pid", pid},
                              {"tid", tid},
                              {"ts", span.start_us - origin},
                              {"dur", s.end_us - span.start_us},
                              {"args", std::move(args)}});
    }

    Summary sum = summarise(input.finished);
    json doc = {{"traceEvents", std::move(events)},
                {"displayTimeUnit", "ms"},
                {"otherData",
                 {{"build", input.build},
                  {"jobs", sum.jobs},
                  {"remote", sum.remote},
                  {"local", sum.local},
                  {"sent_back", sum.sent_back},
                  {"links", sum.links}}}};
    // File names are bytes, not always UTF-8: replace what is not, never throw.
    return doc.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace ferry::integrations::report
