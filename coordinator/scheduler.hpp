// Where remote compiles go: the queue of jobs, the coordinator's view of every runner, the
// least-loaded choice and the retry policy. It does no I/O: runner links report events to it
// and it acts through a Dispatcher (ninja's CommandRunner idea), so the policy is tested
// with a fake dispatcher and a fake clock.
//
// Policy:
//  - A job may run on a runner offering a compiler with the same identity and driver.
//    Runners that are up and match are used; a runner still connecting whose compilers are
//    unknown (or matched before) is worth waiting for; one in backoff is not.
//  - Placement by expected finish: each job carries its unit's expected cost (its last
//    remote compile time, cost_memory.hpp; else an estimate from its weighted input bytes and the
//    build's milliseconds per byte for its compiler, cost_estimate.hpp; else a default). Among
//    runners with a free slot the one with the least expected work per slot still to do (each
//    running job's expected cost minus its time so far, never below a quarter of it), plus this
//    job's cost, scaled by the runner's recent speed (its compiles' time over their
//    expected time), wins: a long job avoids a runner already busy with long jobs when
//    another has room. Ties go to the one with fewer failures since its last completed
//    job, then round robin. With every cost equal this is the least loaded runner.
//  - Matching runners all busy: the job waits in a queue with no limit on its length,
//    longest expected cost first (the longest job must not start last: it would decide the
//    build's wall time alone), jobs sent back by a runner before every other; equal costs in
//    their order of arrival. One exception keeps the build's longest job fast: a job does not
//    take a slot where it would share a CPU (more than half the runner's slots taken) with the
//    running job that has the most work left (10 s or more) when it is shorter than that job
//    but a quarter of it or longer — it waits for another slot, and a shorter job fills that
//    one (bench/farm's googletest: a 46 s compile beside the build's 160 s one halved its
//    speed for 88 s). A build keeps that queue filled through the tokens its
//    jobserver adds while the runners are busy (integrations/make/capacity.hpp, queue_ahead).
//    The local offload takes the cheapest queued job.
//  - A runner failure (connection lost, timeout, garbage, JobStatus::failed) puts that
//    runner in backoff and every job it had is retried on another matching runner. A job
//    is never sent twice to the same runner. With nobody left it compiles locally, with one
//    warning line — once per failed runner: the runners a warning blamed stay quiet until
//    they complete a job again or until a new build starts (a submit after the scheduler
//    has been idle for kWarnAgainAfterIdleMs), so a dead runner costs a build one line, not
//    one per compile.
//  - JobStatus::refused says the runner's policy rejected the job, not that the runner is
//    unwell: no backoff. Another runner's policy may differ, so the job is tried on one more
//    runner, then compiled locally.
//  - A completed compile that failed for want of a file (runner_fault.hpp missing_input) is
//    nobody's fault: the runner did its job, the wrapper compiles it again locally, and it
//    counts as local, not remote.
//  - A cancelled job (its wrapper went away) is cancelled on its runner too (JobCancel) and
//    keeps its runner slot until the runner answers; the answer is dropped.
//  - Backup compiles (the tail race, MapReduce's backup tasks): when nothing is queued, a
//    runner slot is idle, and a job has run longer than max(backup_min_ms, backup_factor x
//    its expected cost — remembered, else estimated, else the default), the same job is sent to an
//    idle matching runner it has not tried, longest-running job first, at most one backup per job —
//    to a runner with fewer than half its slots taken, so that a backup does not slow the jobs it
//    runs beside (slots share a runner's CPUs). A job whose runner is crowded (more than half
//    its slots taken, so it runs at a share of a CPU) is raced sooner, shortest expected job
//    first, when a fresh copy on the idle runner is expected to end before it can: a copy that
//    wins gives the crowded runner's CPU back to the jobs left there (bench/farm's googletest:
//    the build's longest compile shared its runner for 97 s while two runners idled). The
//    first completed answer is the job's (both
//    copies compile the same files with the same compiler, so either is byte-identical to a local
//    compile); the other copy is cancelled on its runner (JobCancel: its compiler is
//    killed) and keeps its slot here until the runner's answer arrives and is discarded
//    (or its runner goes down). A copy that fails or is refused while the other runs is
//    not a fallback: only that copy ends (a failure still backs its runner off; being slow
//    does not, it only lowers the runner's speed: the loser took at least as long as the
//    race). The job is counted once; backups started, won and late answers discarded are
//    counted apart. `backups = false` in [client] turns the race off.
#pragma once

#include "coordinator/cost_estimate.hpp"
#include "remote/protocol/messages.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ferry::coordinator {

// The reason a job compiles locally after every runner it was tried on refused it.
inline constexpr const char* kRefusedByRunners = "refused by runners";

using JobId = uint64_t;

enum class RunnerState { connecting, up, backoff };
const char* runner_state_name(RunnerState state);

struct RunnerSetup {
    std::string name;
    std::string address; // for status: "127.0.0.2:3633"
    uint32_t slots = 0;  // 0: what the runner reports
};

// What the scheduler knows of one runner.
struct RunnerView {
    RunnerSetup setup;
    enum class Link { connecting, connected, down } link = Link::connecting;
    bool compilers_known = false; // from a hello on this or an earlier connection
    std::vector<proto::CompilerInfo> compilers;
    bool runs_toolchains = false; // sandboxed: runs the compiler the job brings
    uint32_t slots = 0;
    uint32_t in_flight = 0;
    uint64_t jobs_done = 0;
    uint64_t failures = 0;
    uint32_t recent_failures = 0; // since its last completed job
    double speed = 1.0;           // recent compile time / expected time: > 1 is slower than usual
    uint64_t backoff_until_ms = 0;
    std::string last_error;
    bool warned = false; // a fallback warning named it since it last completed a job sent after its
                         // last failure
};

// What the scheduler needs of a job; the request itself stays with the caller.
struct JobSpec {
    std::string compiler_id;
    std::string driver;        // "c" or "c++"
    std::string compiler_name; // local name ("gcc"): preferred on the runner, used in warnings
    uint32_t expected_ms = 0;  // the unit's last remote compile time; 0: unknown
    uint64_t cost_bytes =
        0; // its input bytes as the estimate weighs them (cost_estimate.hpp); 0: unknown
};

struct BackupPolicy {
    bool enabled = true;
    uint32_t min_ms = 2000; // a job younger than this never gets a backup
    double factor = 1.5;    // ...nor one within factor x its expected cost
    // The expected cost of a unit never compiled remotely: long enough that a fresh unit on a
    // loaded machine is not raced for nothing, short of the long jobs the race is for.
    uint32_t default_ms = 5000;
};

// Whether a job that has run `elapsed_ms` of an expected `expected_ms` (0: unknown) is late
// enough to race on another runner.
bool wants_backup(const BackupPolicy& policy, uint64_t elapsed_ms, uint32_t expected_ms);
// Whether a job that has run `elapsed_ms` at `share` of the speed it would have alone (a
// crowded runner: 1/2 when it shares a CPU with one other job) would end later than a copy
// started now that runs alone for `expected_ms` (0: unknown). Its progress is counted at the
// share it has now, as if it had had it from the start.
bool wants_crowded_backup(const BackupPolicy& policy, uint64_t elapsed_ms, uint32_t expected_ms,
                          double share);

// How the scheduler acts. Implementations must not call back into the Scheduler from these.
class Dispatcher {
  public:
    virtual ~Dispatcher() = default;
    // Send the job to `runner` (up, with a free slot) as its compiler `compiler_name`.
    virtual void dispatch(JobId job, size_t runner, const std::string& compiler_name) = 0;
    // Send the same job, still running elsewhere, to `runner` too (a backup compile).
    virtual void dispatch_backup(JobId job, size_t runner, const std::string& compiler_name) = 0;
    // The runner compiled it (any exit code).
    virtual void finish_remote(JobId job, size_t runner, proto::JobResult result) = 0;
    // Nobody can: the wrapper compiles locally. `warning` (for the user) may be empty;
    // `reason` is short and stable ("runner failed"), for counters and monitors.
    virtual void finish_local(JobId job, const std::string& warning, const std::string& reason) = 0;
    // The job left its runner (failed or refused there) and waits again.
    virtual void requeued(JobId) {}
    // Nobody wants the copy of the job on `runner` any more (it lost a backup race, or its
    // wrapper went away): ask the runner to stop it. Its answer still comes, and frees the slot.
    virtual void cancel_copy(JobId /*job*/, size_t /*runner*/) {}
};

class Scheduler {
  public:
    struct Options {
        uint32_t backoff_ms = 10000;
        bool warn_on_fallback = true;
        uint32_t max_refusals = 2; // refused by this many runners: compile locally
        BackupPolicy backups;
    };
    using Clock = std::function<uint64_t()>; // milliseconds, monotonic
    static constexpr uint64_t kWarnAgainAfterIdleMs = 10000;

    Scheduler(std::vector<RunnerSetup> runners, Options options, Dispatcher& dispatcher,
              Clock clock);

    // ---- runner link events ----
    void runner_connecting(size_t runner);
    void runner_up(size_t runner, const proto::RunnerHello& hello);
    // The connection is gone (refused, timeout, EOF, protocol error, ErrorMsg): backoff, and
    // every job in flight there is retried. Repeated calls while down are ignored.
    void runner_down(size_t runner, const std::string& reason);
    void job_result(size_t runner, proto::JobResult result);
    // The runner has every file of the job: its compile starts now. A job's time so far, for
    // placement and backups, counts from here (else from its dispatch), so a toolchain's
    // first trip to a runner does not make its job look late.
    void compile_started(JobId job, size_t runner);

    // ---- jobs ----
    // Queues the job; the Dispatcher may be called before this returns.
    void submit(JobId job, JobSpec spec);
    void cancel(JobId job);
    // The job cannot go on remotely for a reason that is nobody's fault (a file changed
    // under it): it ends now as a local compile and frees its runner slot.
    // Only the copy on `runner` is concerned: a backup copy elsewhere goes on.
    void abandon(JobId job, size_t runner, const std::string& warning, const std::string& reason);
    // A job that never reached the scheduler compiled locally (counted for status).
    void record_local() { ++m_jobs_local; }
    // A job it finished locally did not (yet) compile here: its wrapper was sent back to
    // come again scanned (an "on" unit whose dependency options every runner refused), or
    // the job was a speculative start whose wrapper may not use the answer (service.cpp
    // counts it again with record_local() when the wrapper does).
    void unrecord_local() { --m_jobs_local; }
    // The cheapest queued job (the newest among equals) compiles here instead
    // (coordinator/local_offload.hpp decides when): it would wait longest for a runner, and a
    // job sent back has no backup race, so a cheap one cannot become the build's tail
    // (bench/farm, session 14: the longest, sent here, ended a googletest build 34 s late).
    // False when nothing is queued.
    bool take_queued_for_local(const std::string& reason);
    // Re-examines the queue (a backoff may have ended). Call it now and then.
    void tick();

    // ---- accounting ----
    const std::vector<RunnerView>& runners() const { return m_runners; }
    RunnerState state(size_t runner) const;
    uint32_t remote_capacity() const; // slots of runners that are up
    uint32_t queued() const { return static_cast<uint32_t>(m_queue.size()); }
    uint32_t running() const { return static_cast<uint32_t>(m_running.size()); }
    bool idle() const { return m_queue.empty() && m_running.empty(); }
    uint64_t jobs_remote() const { return m_jobs_remote; }
    uint64_t jobs_local() const { return m_jobs_local; }
    uint64_t backups_started() const { return m_backups_started; }
    uint64_t backups_won() const { return m_backups_won; }
    uint64_t late_discarded() const { return m_late_discarded; } // answers of dropped copies
    // Whether `runner` runs a live copy of the job (the first or its backup).
    bool runs_copy(JobId job, size_t runner) const;
    // Live copies of the job: 0 (not running), 1, or 2 (with its backup).
    int copies(JobId job) const;

  private:
    struct Job {
        JobId id = 0;
        JobSpec spec;
        std::map<size_t, std::string> tried; // runner -> why it did not work out
        enum class Failure { none, failed, refused };
        size_t last_runner = 0; // the last runner that had it
        Failure last_failure = Failure::none;
        uint32_t refusals = 0;
        size_t runner = 0;            // while running
        uint64_t runner_failures = 0; // the runner's failure count when the job was sent
        uint64_t started_ms = 0;      // sent to `runner`
        std::optional<size_t> backup; // the second copy's runner, while it runs
        uint64_t backup_started_ms = 0;
        uint64_t backup_failures = 0; // the backup runner's failure count when it was sent
        bool had_backup = false;      // at most one per job
        bool on_backup = false;       // its first copy ended: `runner` runs the backup
        bool requeued = false;        // sent back by a runner: first in the queue
    };
    enum class Fit { unusable, waiting, busy, free };

    Fit fit(const Job& job, size_t runner, std::string* why) const;
    // The name the runner knows the job's compiler by; nullopt when it cannot run it.
    std::optional<std::string> runner_compiler_name(const RunnerView& r, const JobSpec& spec) const;
    bool less_loaded(size_t a, size_t b, uint32_t cost) const;
    uint32_t expected_ms(const Job& job) const;
    // The queue's order: the expected cost, or the first guess for a compiler with no rate yet.
    double rank(const Job& job) const;
    void order_queue();
    double expected_finish(size_t runner, uint32_t cost) const;
    struct Longest;
    // The free runner where `job` would finish first, other than `except` and other than
    // where it would crowd `longest`.
    std::optional<size_t> best_free(const Job& job, bool* can_wait, const Longest& longest,
                                    std::optional<size_t> except = std::nullopt) const;
    // The free runner for a backup of `job`, other than its own: fewer than half its slots taken.
    std::optional<size_t> best_free_for_backup(const Job& job) const;
    // The share of a CPU each job on `runner` has, against one of its own: 1 up to half its
    // slots taken.
    double share(size_t runner) const;
    // The running job(s) with the most expected work left, and where they run.
    struct Longest {
        double left = 0;
        std::vector<size_t> runners;
        // A job with `job_left` expected work left runs on `runner`.
        void consider(double job_left, size_t runner);
    };
    Longest longest_running() const;
    // Whether a job of expected `cost` placed on `runner` would share a CPU with `longest`
    // (at least kLongestMs left), being itself long enough to slow it much (a quarter of its
    // work left or more) yet shorter.
    bool crowds(const Longest& longest, size_t runner, uint32_t cost) const;
    static constexpr double kLongestMs = 10000;
    void pump();
    void start_backups();
    // Ends the copy of `job` on `runner`; its answer, if one still comes, is discarded.
    void orphan(size_t runner, JobId job, bool lost_race);
    // Drops the copy on `runner` of a job that has another: the other goes on alone.
    void drop_copy(Job& job, size_t runner);
    void learn_speed(size_t runner, const Job& job, uint64_t compile_ms);
    // Returns true if the job left the queue; `longest` follows the job placed.
    bool place(Job& job, Longest& longest);
    void requeue_front(Job job);
    void finish_locally(const Job& job);
    // Whether the user still needs to hear about these failed runners; marks them told.
    bool claim_warning(const std::vector<size_t>& failed);
    void back_off(size_t runner, const std::string& reason);
    // The runner with this index; an index from outside the configured runners is a bug
    // (FERRY_ASSERT, not std::out_of_range thrown into a libuv callback).
    RunnerView& view(size_t runner);
    const RunnerView& view(size_t runner) const;

    std::vector<RunnerView> m_runners;
    Options m_options;
    Dispatcher& m_dispatcher;
    Clock m_clock;
    std::deque<Job> m_queue;
    CostEstimate m_estimate;
    std::map<JobId, Job> m_running;
    // Copies nobody waits for (cancelled, or the loser of a backup race) that still hold a
    // runner slot until their answer arrives or their runner goes down.
    std::map<std::pair<size_t, JobId>, bool> m_orphans; // -> it lost a backup race
    size_t m_round_robin = 0;
    bool m_pumping = false;
    bool m_pump_again = false;
    uint64_t m_jobs_remote = 0;
    uint64_t m_jobs_local = 0;
    uint64_t m_last_submit_ms = 0;
    uint64_t m_backups_started = 0;
    uint64_t m_backups_won = 0;
    uint64_t m_late_discarded = 0;
};

} // namespace ferry::coordinator
