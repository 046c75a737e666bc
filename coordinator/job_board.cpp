#include "coordinator/job_board.hpp"

#include <algorithm>

namespace ferry::coordinator {

namespace {

constexpr const char* kLocalLane = "local";

// The step a local slot is held for, as shown: a scan is the compile's own preprocessing.
std::string local_phase(const std::string& what) {
    return what == "preprocess" ? "scan" : "local";
}

} // namespace

JobBoard::Entry* JobBoard::by_job(uint64_t job) {
    auto key = m_job_keys.find(job);
    if (key == m_job_keys.end()) return nullptr;
    auto it = m_entries.find(key->second);
    return it == m_entries.end() ? nullptr : &it->second;
}

int32_t JobBoard::take_slot(const std::string& lane) {
    auto& busy = m_busy_slots[lane];
    int32_t slot = 0;
    while (busy.count(slot))
        ++slot;
    busy.insert(slot);
    return slot;
}

void JobBoard::give_slot(const std::string& lane, int32_t slot) {
    if (slot < 0) return;
    auto it = m_busy_slots.find(lane);
    if (it != m_busy_slots.end()) it->second.erase(slot);
}

void JobBoard::enter(Entry& e, const std::string& phase, const std::string& lane, int32_t slot) {
    const uint64_t now = m_clock();
    proto::JobView& v = e.view;
    if (!v.phases.empty() && v.phases.back().end_us == 0) v.phases.back().end_us = now;
    v.phase = phase.empty() ? "waiting" : phase;
    v.runner = lane;
    v.slot = slot;
    v.phase_start_us = now;
    if (!phase.empty()) v.phases.push_back(proto::PhaseSpan{phase, lane, slot, now, 0});
    notify(e, false);
}

// Frees whatever lane slot the entry holds (a runner's or a local one).
void JobBoard::release_lane(Entry& e) {
    give_slot(e.view.runner, e.view.slot);
    e.view.slot = -1;
}

void JobBoard::notify(const Entry& e, bool finished) {
    if (m_listener) m_listener(e.view, finished);
}

void JobBoard::local_requested(Key key, const proto::IpcAcquireLocal& who) {
    Entry& e = m_entries[key];
    if (e.view.id == 0) e.view.id = key;
    if (who.pid) e.view.pid = who.pid;
    if (!who.build.empty()) e.view.build = who.build;
    if (!who.source.empty()) e.view.source = who.source;
    if (who.what == "compile" || who.what == "link") {
        // A compile the coordinator sent back keeps its "fallback"; anything else is the
        // wrapper's own decision, counted here once.
        if (!who.counted) {
            e.view.outcome = who.what == "link" ? "link" : "local";
            e.view.reason = who.reason;
            if (who.what == "link") {
                ++m_links;
            } else {
                ++m_kept_local;
                count_reason(who.reason.empty() ? "kept local" : who.reason);
            }
        }
    } else if (e.view.outcome.empty()) {
        e.view.outcome = "preprocess";
    }
    release_lane(e);
    m_pending_phase[key] = local_phase(who.what);
    enter(e, "wait", kLocalLane, -1);
}

void JobBoard::local_granted(Key key) {
    auto it = m_entries.find(key);
    if (it == m_entries.end()) return;
    Entry& e = it->second;
    std::string phase = "local";
    if (auto p = m_pending_phase.find(key); p != m_pending_phase.end()) {
        phase = p->second;
        m_pending_phase.erase(p);
    }
    e.holds_local = true;
    enter(e, phase, kLocalLane, take_slot(kLocalLane));
}

void JobBoard::local_released(Key key) {
    auto it = m_entries.find(key);
    if (it == m_entries.end() || !it->second.holds_local) return;
    Entry& e = it->second;
    e.holds_local = false;
    release_lane(e);
    enter(e, "", "", -1);
}

void JobBoard::submitted(Key key, uint64_t job, const proto::IpcCompile& request) {
    Entry& e = m_entries[key];
    if (e.view.id == 0) e.view.id = key;
    if (request.pid) e.view.pid = request.pid;
    if (!request.build.empty()) e.view.build = request.build;
    if (!request.source.empty()) e.view.source = request.source;
    e.view.outcome.clear();
    e.speculative = request.speculative;
    e.has_job = true;
    e.job = job;
    m_job_keys[job] = key;
    release_lane(e);
    enter(e, "queue", "", -1);
}

void JobBoard::dispatched(uint64_t job, const std::string& runner, size_t runner_index) {
    Entry* e = by_job(job);
    if (!e) return;
    release_lane(*e);
    e->runner_index = runner_index;
    enter(*e, "send", runner, take_slot(runner));
}

void JobBoard::files_sent(uint64_t job) {
    Entry* e = by_job(job);
    if (!e || e->view.phase != "send") return;
    enter(*e, "compile", e->view.runner, e->view.slot);
}

void JobBoard::result_arrived(uint64_t job, uint64_t compile_ms) {
    Entry* e = by_job(job);
    if (!e || e->view.runner.empty() || e->view.runner == kLocalLane) return;
    e->view.compile_ms = compile_ms;
    // A runner that held every file asked for none, so no "compile" step began: the runner's
    // own compile time says where it did, and the "send" step ends there.
    auto& phases = e->view.phases;
    if (e->view.phase == "send" && !phases.empty() && phases.back().end_us == 0) {
        const uint64_t now = m_clock();
        const uint64_t start =
            std::max(phases.back().start_us, now - std::min(now, compile_ms * 1000));
        phases.back().end_us = start;
        phases.push_back(proto::PhaseSpan{"compile", e->view.runner, e->view.slot, start, now});
    }
    // The runner's slot is free again as soon as it answers (it may already run the next
    // job there): the answer's way to the wrapper holds no slot.
    release_lane(*e);
    enter(*e, "receive", e->view.runner, -1);
}

void JobBoard::requeued(uint64_t job) {
    Entry* e = by_job(job);
    if (!e) return;
    release_lane(*e);
    enter(*e, "queue", "", -1);
}

void JobBoard::answered(uint64_t job, bool remote, const std::string& reason) {
    Entry* e = by_job(job);
    if (!e) return;
    m_job_keys.erase(job);
    e->has_job = false;
    // A speculative start's answer is the unit's only once its wrapper confirms it.
    e->view.outcome = e->speculative ? "unconfirmed" : remote ? "remote" : "fallback";
    e->view.reason = remote ? "" : reason;
    if (remote) return; // "receive" lasts until the wrapper has its answer and goes away
    release_lane(*e);
    enter(*e, "", "", -1);
}

void JobBoard::speculation_used(Key key) {
    auto it = m_entries.find(key);
    if (it != m_entries.end() && it->second.view.outcome == "unconfirmed")
        it->second.view.outcome = it->second.view.reason.empty() ? "remote" : "fallback";
}

void JobBoard::closed(Key key) {
    auto it = m_entries.find(key);
    if (it == m_entries.end()) return;
    Entry& e = it->second;
    if (e.has_job) {
        m_job_keys.erase(e.job);
        if (e.view.outcome.empty()) e.view.outcome = "cancelled";
    }
    // Its wrapper compiled the unit from another request (or not at all): a wasted compile,
    // not one of the build's jobs.
    if (e.speculative && (e.view.outcome == "unconfirmed" || e.view.outcome == "cancelled"))
        e.view.outcome = "unused";
    release_lane(e);
    const uint64_t now = m_clock();
    if (!e.view.phases.empty() && e.view.phases.back().end_us == 0)
        e.view.phases.back().end_us = now;
    e.view.phase = "done";
    e.view.phase_start_us = now;
    notify(e, true);
    m_pending_phase.erase(key);
    m_entries.erase(it);
}

void JobBoard::count_reason(const std::string& reason) {
    // Reasons are short phrases, but one may name an option's value: a bounded table.
    constexpr size_t kMaxReasons = 64;
    if (m_reasons.size() >= kMaxReasons && !m_reasons.count(reason))
        ++m_reasons["other"];
    else
        ++m_reasons[reason];
}

std::vector<proto::JobView> JobBoard::jobs() const {
    std::vector<proto::JobView> out;
    out.reserve(m_entries.size());
    for (const auto& [key, e] : m_entries)
        out.push_back(e.view);
    return out;
}

} // namespace ferry::coordinator
