#include "monitor/board.hpp"

#include <algorithm>

namespace ferry::monitor {
namespace {

// The coordinator's own bookkeeping (coordinator/status.cpp) counts a finished job once, by
// the outcome it reports; mirror that so the counters move with the events.
void count_finished(proto::IpcStatus& status, const proto::JobView& job) {
    if (job.outcome == "remote") {
        ++status.jobs_remote;
    } else if (job.outcome == "fallback") {
        ++status.jobs_local;
    } else if (job.outcome == "local") {
        ++status.jobs_kept_local;
    } else if (job.outcome == "link") {
        ++status.links_local;
    } else {
        return;
    }
    if (job.reason.empty()) return;
    auto& reasons = status.local_reasons;
    auto it = std::find_if(reasons.begin(), reasons.end(),
                           [&](const proto::ReasonCount& r) { return r.reason == job.reason; });
    if (it == reasons.end())
        reasons.push_back({job.reason, 1});
    else
        ++it->count;
}

bool holds_slot(const proto::JobView& job) {
    return job.slot >= 0 && job.phase != "waiting";
}

} // namespace

void Board::apply(proto::IpcJobs snapshot) {
    m_now = std::move(snapshot);
}

void Board::apply(const proto::IpcJobEvent& event) {
    auto& jobs = m_now.jobs;
    auto it = std::find_if(jobs.begin(), jobs.end(),
                           [&](const proto::JobView& j) { return j.id == event.job.id; });
    if (event.finished) {
        if (it != jobs.end()) jobs.erase(it);
        count_finished(m_now.status, event.job);
    } else if (it == jobs.end()) {
        jobs.push_back(event.job);
    } else {
        *it = event.job;
    }
    m_now.now_us = std::max(m_now.now_us, event.now_us);
    recount();
}

void Board::recount() {
    auto& status = m_now.status;
    status.queued = 0;
    status.local_in_use = 0;
    for (auto& r : status.runners)
        r.in_flight = 0;
    for (const auto& job : m_now.jobs) {
        if (job.phase == "queue") ++status.queued;
        if (!holds_slot(job)) continue;
        if (job.runner == "local") {
            ++status.local_in_use;
            continue;
        }
        for (auto& r : status.runners)
            if (r.name == job.runner) ++r.in_flight;
    }
}

} // namespace ferry::monitor
