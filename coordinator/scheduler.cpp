#include "coordinator/scheduler.hpp"

#include "coordinator/runner_fault.hpp"
#include "util/assert.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>

namespace ferry::coordinator {

const char* runner_state_name(RunnerState state) {
    switch (state) {
    case RunnerState::connecting:
        return "connecting";
    case RunnerState::up:
        return "up";
    case RunnerState::backoff:
        return "backoff";
    }
    return "?";
}

Scheduler::Scheduler(std::vector<RunnerSetup> runners, Options options, Dispatcher& dispatcher,
                     Clock clock)
    : m_options(options), m_dispatcher(dispatcher), m_clock(std::move(clock)) {
    m_runners.reserve(runners.size());
    for (auto& setup : runners) {
        RunnerView view;
        view.setup = std::move(setup);
        m_runners.push_back(std::move(view));
    }
}

RunnerView& Scheduler::view(size_t runner) {
    FERRY_ASSERT(runner < m_runners.size(), "no runner with this index");
    return m_runners[runner];
}

const RunnerView& Scheduler::view(size_t runner) const {
    FERRY_ASSERT(runner < m_runners.size(), "no runner with this index");
    return m_runners[runner];
}

RunnerState Scheduler::state(size_t runner) const {
    const RunnerView& v = view(runner);
    switch (v.link) {
    case RunnerView::Link::connecting:
        return RunnerState::connecting;
    case RunnerView::Link::down:
        return RunnerState::backoff;
    case RunnerView::Link::connected:
        break;
    }
    return m_clock() < v.backoff_until_ms ? RunnerState::backoff : RunnerState::up;
}

uint32_t Scheduler::remote_capacity() const {
    uint32_t total = 0;
    for (size_t i = 0; i < m_runners.size(); ++i)
        if (state(i) == RunnerState::up) total += m_runners[i].slots;
    return total;
}

// ---- runner events ----

void Scheduler::runner_connecting(size_t runner) {
    view(runner).link = RunnerView::Link::connecting;
}

void Scheduler::runner_up(size_t runner, const proto::RunnerHello& hello) {
    RunnerView& v = view(runner);
    v.link = RunnerView::Link::connected;
    v.compilers = hello.compilers;
    v.runs_toolchains = hello.runs_toolchains;
    v.compilers_known = true;
    v.slots = v.setup.slots != 0 ? v.setup.slots : hello.slots;
    v.backoff_until_ms = 0; // the reconnect was the probe
    pump();
}

void Scheduler::runner_down(size_t runner, const std::string& reason) {
    RunnerView& v = view(runner);
    if (v.link == RunnerView::Link::down) return;
    v.link = RunnerView::Link::down;
    back_off(runner, reason);
    for (auto it = m_orphans.begin(); it != m_orphans.end();)
        it = it->first.first == runner ? m_orphans.erase(it) : std::next(it);
    std::vector<Job> retry;
    for (auto it = m_running.begin(); it != m_running.end();) {
        Job& job = it->second;
        if (job.runner != runner && job.backup != runner) {
            ++it;
            continue;
        }
        job.tried[runner] = reason;
        if (job.backup) { // the other copy goes on
            drop_copy(job, runner);
            ++it;
            continue;
        }
        Job moved = std::move(job);
        it = m_running.erase(it);
        moved.last_runner = runner;
        moved.last_failure = Job::Failure::failed;
        retry.push_back(std::move(moved));
    }
    v.in_flight = 0;
    // Oldest first at the front: they have waited longest.
    for (auto it = retry.rbegin(); it != retry.rend(); ++it)
        requeue_front(std::move(*it));
    pump();
}

void Scheduler::job_result(size_t runner, proto::JobResult result) {
    if (auto orphaned = m_orphans.find({runner, result.job_id}); orphaned != m_orphans.end()) {
        if (orphaned->second) ++m_late_discarded;
        m_orphans.erase(orphaned);
        --m_runners[runner].in_flight;
        pump();
        return;
    }
    auto it = m_running.find(result.job_id);
    if (it == m_running.end() || !runs_copy(result.job_id, runner)) return; // stale or unknown
    RunnerView& v = m_runners[runner];
    --v.in_flight;
    const bool was_backup = it->second.backup == runner;
    if (result.status != proto::JobStatus::completed && it->second.backup) {
        // Not a fallback while the other copy runs: only this copy ends.
        Job& job = it->second;
        job.tried[runner] = result.status == proto::JobStatus::refused
                                ? fmt::format("refused: {}", result.message)
                                : result.message;
        if (result.status == proto::JobStatus::failed)
            back_off(runner, fmt::format("job failed: {}", result.message));
        drop_copy(job, runner);
        pump();
        return;
    }
    Job job = std::move(it->second);
    m_running.erase(it);
    // The other copy lost the race (or, for a missing file, would fail the same way).
    if (job.backup)
        orphan(was_backup ? job.runner : *job.backup, job.id,
               result.status == proto::JobStatus::completed && !missing_input(result));
    switch (result.status) {
    case proto::JobStatus::completed:
        ++v.jobs_done;
        v.recent_failures = 0;
        // A job sent before the runner failed says nothing about it now: only one sent
        // since then lets the next failure be told again.
        if ((was_backup ? job.backup_failures : job.runner_failures) == v.failures)
            v.warned = false;
        learn_speed(runner, job, result.compile_ms);
        if (missing_input(result)) {
            ++m_jobs_local;
            m_dispatcher.finish_local(job.id, "", "a file was missing on the runner");
            break;
        }
        m_estimate.learn(job.spec.compiler_id, job.spec.cost_bytes, result.compile_ms);
        ++m_jobs_remote;
        if (job.backup) {
            // The loser took at least this long: a slow runner is placed later, not backed off.
            const size_t loser = was_backup ? job.runner : *job.backup;
            const uint64_t since = was_backup ? job.started_ms : job.backup_started_ms;
            learn_speed(loser, job, m_clock() - std::min(m_clock(), since));
        }
        if (was_backup || job.on_backup) ++m_backups_won;
        m_dispatcher.finish_remote(job.id, runner, std::move(result));
        break;
    case proto::JobStatus::refused:
        job.tried[runner] = fmt::format("refused: {}", result.message);
        job.last_runner = runner;
        job.last_failure = Job::Failure::refused;
        if (++job.refusals >= m_options.max_refusals)
            finish_locally(job);
        else
            requeue_front(std::move(job));
        break;
    case proto::JobStatus::failed:
        job.tried[runner] = result.message;
        job.last_runner = runner;
        job.last_failure = Job::Failure::failed;
        back_off(runner, fmt::format("job failed: {}", result.message));
        requeue_front(std::move(job));
        break;
    }
    pump();
}

void Scheduler::compile_started(JobId id, size_t runner) {
    auto it = m_running.find(id);
    if (it == m_running.end()) return;
    if (it->second.runner == runner) it->second.started_ms = m_clock();
    if (it->second.backup == runner) it->second.backup_started_ms = m_clock();
}

bool Scheduler::runs_copy(JobId id, size_t runner) const {
    auto it = m_running.find(id);
    return it != m_running.end() && (it->second.runner == runner || it->second.backup == runner);
}

int Scheduler::copies(JobId id) const {
    auto it = m_running.find(id);
    if (it == m_running.end()) return 0;
    return it->second.backup ? 2 : 1;
}

void Scheduler::orphan(size_t runner, JobId id, bool lost_race) {
    m_orphans[{runner, id}] = lost_race;
    m_dispatcher.cancel_copy(id, runner);
}

void Scheduler::drop_copy(Job& job, size_t runner) {
    if (job.backup == runner) {
        job.backup.reset();
        return;
    }
    job.runner = *job.backup;
    job.on_backup = true;
    job.runner_failures = job.backup_failures;
    job.started_ms = job.backup_started_ms;
    job.backup.reset();
}

void Scheduler::learn_speed(size_t runner, const Job& job, uint64_t compile_ms) {
    if (job.spec.expected_ms == 0 || compile_ms == 0) return;
    double ratio = static_cast<double>(compile_ms) / job.spec.expected_ms;
    RunnerView& v = m_runners[runner];
    v.speed = std::clamp(0.7 * v.speed + 0.3 * ratio, 0.2, 5.0);
}

// ---- jobs ----

void Scheduler::submit(JobId id, JobSpec spec) {
    const uint64_t now = m_clock();
    if (idle() && now - m_last_submit_ms >= kWarnAgainAfterIdleMs)
        for (auto& v : m_runners)
            v.warned = false; // a new build: its user has not been told yet
    m_last_submit_ms = now;
    // A remembered time with the unit's size teaches the compiler's rate before anything of
    // this build completed.
    if (spec.expected_ms != 0)
        m_estimate.learn(spec.compiler_id, spec.cost_bytes, spec.expected_ms);
    Job job;
    job.id = id;
    job.spec = std::move(spec);
    m_queue.push_back(std::move(job));
    pump();
}

bool Scheduler::take_queued_for_local(const std::string& reason) {
    if (m_queue.empty()) return false;
    order_queue();
    Job job = std::move(m_queue.back());
    m_queue.pop_back();
    ++m_jobs_local;
    m_dispatcher.finish_local(job.id, "", reason);
    return true;
}

void Scheduler::cancel(JobId id) {
    auto queued =
        std::find_if(m_queue.begin(), m_queue.end(), [id](const Job& job) { return job.id == id; });
    if (queued != m_queue.end()) {
        m_queue.erase(queued);
        return;
    }
    auto it = m_running.find(id);
    if (it == m_running.end()) return;
    orphan(it->second.runner, id, false);
    if (it->second.backup) orphan(*it->second.backup, id, false);
    m_running.erase(it);
}

void Scheduler::abandon(JobId id, size_t runner, const std::string& warning,
                        const std::string& reason) {
    auto queued =
        std::find_if(m_queue.begin(), m_queue.end(), [id](const Job& job) { return job.id == id; });
    if (queued != m_queue.end()) {
        m_queue.erase(queued);
    } else if (m_orphans.erase({runner, id})) {
        --m_runners[runner].in_flight;
        return pump();
    } else if (auto it = m_running.find(id); it != m_running.end() && runs_copy(id, runner)) {
        --m_runners[runner].in_flight;
        if (it->second.backup) {
            drop_copy(it->second, runner);
            return pump();
        }
        m_running.erase(it);
    } else {
        return;
    }
    ++m_jobs_local;
    m_dispatcher.finish_local(id, warning, reason);
    pump();
}

void Scheduler::tick() {
    pump();
}

// ---- placement ----

std::optional<std::string> Scheduler::runner_compiler_name(const RunnerView& r,
                                                           const JobSpec& spec) const {
    const proto::CompilerInfo* found = nullptr;
    for (const auto& info : r.compilers) {
        if (info.id != spec.compiler_id || info.driver != spec.driver) continue;
        if (info.name == spec.compiler_name) return info.name;
        if (!found) found = &info;
    }
    if (found) return found->name;
    // A sandboxed runner runs the compiler the job ships, under the client's name for it.
    if (r.runs_toolchains) return spec.compiler_name;
    return std::nullopt;
}

Scheduler::Fit Scheduler::fit(const Job& job, size_t runner, std::string* why) const {
    auto set_why = [why](std::string text) {
        if (why) *why = std::move(text);
    };
    const RunnerView& v = m_runners[runner];
    if (auto t = job.tried.find(runner); t != job.tried.end()) {
        set_why(t->second);
        return Fit::unusable;
    }
    if (v.compilers_known && !runner_compiler_name(v, job.spec)) {
        set_why("compiler differs");
        return Fit::unusable;
    }
    switch (state(runner)) {
    case RunnerState::backoff:
        set_why(v.last_error.empty() ? "backoff" : v.last_error);
        return Fit::unusable;
    case RunnerState::connecting:
        set_why("connecting");
        return Fit::waiting;
    case RunnerState::up:
        break;
    }
    if (v.slots == 0) {
        set_why("no slots");
        return Fit::unusable;
    }
    return v.in_flight < v.slots ? Fit::free : Fit::busy;
}

bool wants_backup(const BackupPolicy& policy, uint64_t elapsed_ms, uint32_t expected_ms) {
    if (!policy.enabled || elapsed_ms < policy.min_ms) return false;
    const uint32_t expected = expected_ms != 0 ? expected_ms : policy.default_ms;
    return static_cast<double>(elapsed_ms) > policy.factor * expected;
}

bool wants_crowded_backup(const BackupPolicy& policy, uint64_t elapsed_ms, uint32_t expected_ms,
                          double share) {
    if (!policy.enabled || elapsed_ms < policy.min_ms || share <= 0 || share >= 1) return false;
    const double expected = expected_ms != 0 ? expected_ms : policy.default_ms;
    const double left_here = (expected - static_cast<double>(elapsed_ms) * share) / share;
    return left_here > expected;
}

uint32_t Scheduler::expected_ms(const Job& job) const {
    if (job.spec.expected_ms != 0) return job.spec.expected_ms;
    return m_estimate.estimate(job.spec.compiler_id, job.spec.cost_bytes)
        .value_or(m_options.backups.default_ms);
}

double Scheduler::rank(const Job& job) const {
    if (job.spec.expected_ms != 0) return job.spec.expected_ms;
    return m_estimate.rank(job.spec.compiler_id, job.spec.cost_bytes);
}

void Scheduler::order_queue() {
    // pump() runs on every runner event: most of the time the queue holds no choice.
    if (m_queue.size() < 2) return;
    std::vector<std::pair<double, size_t>> keys; // rank (requeued: infinite), position
    keys.reserve(m_queue.size());
    for (size_t i = 0; i < m_queue.size(); ++i)
        keys.emplace_back(
            m_queue[i].requeued ? std::numeric_limits<double>::infinity() : rank(m_queue[i]), i);
    std::stable_sort(keys.begin(), keys.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::deque<Job> ordered;
    for (const auto& [key, i] : keys)
        ordered.push_back(std::move(m_queue[i]));
    m_queue.swap(ordered);
}

double Scheduler::expected_finish(size_t runner, uint32_t cost) const {
    const RunnerView& v = m_runners[runner];
    const uint64_t now = m_clock();
    double work = 0;
    for (const auto& [id, job] : m_running) {
        if (job.runner != runner && job.backup != runner) continue;
        const uint64_t started = job.runner == runner ? job.started_ms : job.backup_started_ms;
        const double expected = expected_ms(job);
        const double elapsed = static_cast<double>(now - std::min(now, started));
        // A job past its expected time has not stopped costing: a quarter is a floor.
        work += std::max(expected - elapsed, expected / 4);
    }
    return v.speed * (work / std::max<uint32_t>(v.slots, 1) + cost);
}

bool Scheduler::less_loaded(size_t a, size_t b, uint32_t cost) const {
    const double finish_a = expected_finish(a, cost);
    const double finish_b = expected_finish(b, cost);
    if (finish_a != finish_b) return finish_a < finish_b;
    const RunnerView& ra = m_runners[a];
    const RunnerView& rb = m_runners[b];
    if (ra.recent_failures != rb.recent_failures) return ra.recent_failures < rb.recent_failures;
    size_t n = m_runners.size();
    return (a + n - m_round_robin % n) % n < (b + n - m_round_robin % n) % n;
}

std::optional<size_t> Scheduler::best_free(const Job& job, bool* can_wait, const Longest& longest,
                                           std::optional<size_t> except) const {
    std::optional<size_t> best;
    const uint32_t cost = expected_ms(job);
    for (size_t r = 0; r < m_runners.size(); ++r) {
        if (r == except) continue;
        switch (fit(job, r, nullptr)) {
        case Fit::free:
            if (crowds(longest, r, cost)) {
                if (can_wait) *can_wait = true; // a slot elsewhere, or a shorter job for this one
                break;
            }
            if (!best || less_loaded(r, *best, cost)) best = r;
            break;
        case Fit::busy:
        case Fit::waiting:
            if (can_wait) *can_wait = true;
            break;
        case Fit::unusable:
            break;
        }
    }
    return best;
}

void Scheduler::Longest::consider(double job_left, size_t runner) {
    if (job_left > left) *this = {job_left, {}};
    if (job_left == left) runners.push_back(runner);
}

Scheduler::Longest Scheduler::longest_running() const {
    const uint64_t now = m_clock();
    Longest longest;
    for (const auto& [id, job] : m_running) {
        for (const bool backup : {false, true}) {
            const std::optional<size_t> on = backup ? job.backup : std::optional(job.runner);
            if (!on || m_orphans.count({*on, id})) continue;
            const uint64_t started = backup ? job.backup_started_ms : job.started_ms;
            const double left = static_cast<double>(expected_ms(job)) -
                                static_cast<double>(now - std::min(now, started));
            longest.consider(left, *on);
        }
    }
    return longest;
}

bool Scheduler::crowds(const Longest& longest, size_t runner, uint32_t cost) const {
    const RunnerView& v = m_runners[runner];
    if ((v.in_flight + 1) * 2 <= v.slots) return false; // a CPU of its own
    // Shorter jobs fill its runner's other slots; one as long as a quarter of it would take
    // half its CPU for that long.
    if (longest.left < kLongestMs || cost >= longest.left || 4.0 * cost < longest.left)
        return false;
    return std::find(longest.runners.begin(), longest.runners.end(), runner) !=
           longest.runners.end();
}

double Scheduler::share(size_t runner) const {
    // Two slots per CPU, as best_free_for_backup assumes: up to half the slots taken, each
    // job has a CPU of its own.
    const RunnerView& v = m_runners[runner];
    uint32_t running = v.in_flight;
    // A cancelled copy keeps its slot until its answer arrives, but its compiler was killed.
    for (const auto& [key, lost_race] : m_orphans)
        if (key.first == runner && running > 0) --running;
    if (running <= 1 || running * 2 <= v.slots) return 1.0;
    return static_cast<double>(v.slots) / (2.0 * static_cast<double>(running));
}

std::optional<size_t> Scheduler::best_free_for_backup(const Job& job) const {
    // A backup must not slow the jobs it would run beside: a runner's slots share its CPUs
    // (two per CPU is the usual setting), so it goes only where fewer than half of them are
    // taken — on a runner of two slots, one running nothing. (bench/farm's googletest tail:
    // two backups beside the build's longest compile took half of that runner's CPU.)
    std::optional<size_t> best;
    const uint32_t cost = expected_ms(job);
    for (size_t r = 0; r < m_runners.size(); ++r) {
        const RunnerView& v = m_runners[r];
        if (r == job.runner || v.in_flight * 2 >= v.slots) continue;
        if (fit(job, r, nullptr) != Fit::free) continue;
        if (!best || less_loaded(r, *best, cost)) best = r;
    }
    return best;
}

bool Scheduler::place(Job& job, Longest& longest) {
    bool can_wait = false;
    if (auto best = best_free(job, &can_wait, longest)) {
        longest.consider(expected_ms(job), *best);
        RunnerView& v = m_runners[*best];
        m_round_robin = *best + 1;
        ++v.in_flight;
        std::string compiler_name = *runner_compiler_name(v, job.spec);
        job.runner = *best;
        job.runner_failures = v.failures;
        job.started_ms = m_clock();
        JobId id = job.id;
        m_running.emplace(id, std::move(job));
        m_dispatcher.dispatch(id, *best, compiler_name);
        return true;
    }
    if (can_wait) return false;
    finish_locally(job);
    return true;
}

void Scheduler::pump() {
    if (m_pumping) {
        m_pump_again = true;
        return;
    }
    m_pumping = true;
    do {
        m_pump_again = false;
        order_queue();
        std::deque<Job> pending;
        pending.swap(m_queue);
        std::deque<Job> kept;
        // The running job with the most work left decides when the build can end; each job
        // placed may become it.
        Longest longest = longest_running();
        for (auto& job : pending)
            if (!place(job, longest)) kept.push_back(std::move(job));
        // Anything queued while we were busy goes after what was already waiting.
        for (auto& job : m_queue)
            kept.push_back(std::move(job));
        m_queue.swap(kept);
        if (m_queue.empty()) start_backups();
    } while (m_pump_again);
    m_pumping = false;
}

void Scheduler::start_backups() {
    if (!m_options.backups.enabled) return;
    const uint64_t now = m_clock();
    std::vector<std::pair<uint64_t, JobId>> late;    // elapsed, job: the longest first
    std::vector<std::pair<uint32_t, JobId>> crowded; // expected, job: the shortest first
    for (const auto& [id, job] : m_running) {
        if (job.had_backup) continue;
        const uint64_t elapsed = now - std::min(now, job.started_ms);
        // A unit never compiled is judged by its estimate too: the default would race the
        // build's longest compile after seconds, on another runner's CPU, where it cannot
        // catch up (bench/farm, googletest: 80 s of runner CPU for a copy that lost).
        const uint32_t expected = expected_ms(job);
        if (wants_backup(m_options.backups, elapsed, expected))
            late.emplace_back(elapsed, id);
        else if (wants_crowded_backup(m_options.backups, elapsed, expected, share(job.runner)))
            crowded.emplace_back(expected, id);
    }
    std::sort(late.rbegin(), late.rend());
    // The shortest copy first: it wins soonest, and its win frees the crowded runner's CPU
    // for the longer job left there, which a copy from scratch overtakes later if at all.
    std::sort(crowded.begin(), crowded.end());
    for (const auto& [expected, id] : crowded)
        late.emplace_back(0, id);
    for (const auto& [elapsed, id] : late) {
        Job& job = m_running.at(id);
        auto best = best_free_for_backup(job);
        if (!best) continue;
        RunnerView& v = m_runners[*best];
        ++v.in_flight;
        job.backup = *best;
        job.backup_started_ms = now;
        job.backup_failures = v.failures;
        job.had_backup = true;
        ++m_backups_started;
        m_dispatcher.dispatch_backup(id, *best, *runner_compiler_name(v, job.spec));
    }
}

void Scheduler::requeue_front(Job job) {
    m_dispatcher.requeued(job.id);
    job.requeued = true;
    m_queue.push_front(std::move(job));
}

void Scheduler::finish_locally(const Job& job) {
    std::string warning;
    if (m_options.warn_on_fallback && !m_runners.empty()) {
        const std::string& last = m_runners[job.last_runner].setup.name;
        // A job that failed or was refused there was tried there.
        auto last_reason = [&job]() -> const std::string& {
            auto it = job.tried.find(job.last_runner);
            FERRY_ASSERT(it != job.tried.end(), "a job's last runner is among those it tried");
            return it->second;
        };
        switch (job.last_failure) {
        case Job::Failure::failed:
            if (claim_warning({job.last_runner}))
                warning = fmt::format("ferry: runner {} failed ({}); compiling locally", last,
                                      last_reason());
            break;
        case Job::Failure::refused:
            warning = fmt::format("ferry: runner {} {}; compiling locally", last, last_reason());
            break;
        case Job::Failure::none: {
            std::string reasons;
            std::vector<size_t> failed;
            for (size_t r = 0; r < m_runners.size(); ++r) {
                std::string why;
                fit(job, r, &why);
                if (!reasons.empty()) reasons += ", ";
                reasons += fmt::format("{}: {}", m_runners[r].setup.name, why);
                if (job.tried.count(r) || state(r) == RunnerState::backoff) failed.push_back(r);
            }
            // Without a failed runner (no matching compiler, say) there is nothing to repeat
            // ourselves about: that is said every time.
            if (failed.empty() || claim_warning(failed))
                warning = fmt::format("ferry: no runner available for {} ({}); compiling locally",
                                      job.spec.compiler_name, reasons);
            break;
        }
        }
    }
    ++m_jobs_local;
    const char* reason = "no runner available";
    if (job.last_failure == Job::Failure::failed) reason = "runner failed";
    if (job.last_failure == Job::Failure::refused) reason = kRefusedByRunners;
    m_dispatcher.finish_local(job.id, warning, reason);
}

bool Scheduler::claim_warning(const std::vector<size_t>& failed) {
    bool news = false;
    for (size_t r : failed)
        news = news || !m_runners[r].warned;
    if (news)
        for (size_t r : failed)
            m_runners[r].warned = true;
    return news;
}

void Scheduler::back_off(size_t runner, const std::string& reason) {
    RunnerView& v = m_runners[runner];
    ++v.failures;
    ++v.recent_failures;
    v.last_error = reason;
    v.backoff_until_ms = m_clock() + m_options.backoff_ms;
}

} // namespace ferry::coordinator
