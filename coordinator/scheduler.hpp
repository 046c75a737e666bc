// Where remote compiles go: the queue of jobs, the coordinator's view of every runner, the
// least-loaded choice and the retry policy. It does no I/O: runner links report events to it
// and it acts through a Dispatcher (ninja's CommandRunner idea), so the policy is tested
// with a fake dispatcher and a fake clock.
//
// Policy:
//  - A job may run on a runner offering a compiler with the same identity and driver.
//    Runners that are up and match are used; a runner still connecting whose compilers are
//    unknown (or matched before) is worth waiting for; one in backoff is not.
//  - The least loaded runner (in_flight / slots) wins; ties go to the one with fewer
//    failures since its last completed job, then round robin.
//  - Matching runners all busy: the job waits in a FIFO, with no limit on its length.
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
//  - A cancelled job (its wrapper went away) keeps its runner slot until the runner answers;
//    the answer is dropped.
#pragma once

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
};

// How the scheduler acts. Implementations must not call back into the Scheduler from these.
class Dispatcher {
  public:
    virtual ~Dispatcher() = default;
    // Send the job to `runner` (up, with a free slot) as its compiler `compiler_name`.
    virtual void dispatch(JobId job, size_t runner, const std::string& compiler_name) = 0;
    // The runner compiled it (any exit code).
    virtual void finish_remote(JobId job, size_t runner, proto::JobResult result) = 0;
    // Nobody can: the wrapper compiles locally. `warning` (for the user) may be empty;
    // `reason` is short and stable ("runner failed"), for counters and monitors.
    virtual void finish_local(JobId job, const std::string& warning, const std::string& reason) = 0;
    // The job left its runner (failed or refused there) and waits again.
    virtual void requeued(JobId) {}
};

class Scheduler {
  public:
    struct Options {
        uint32_t backoff_ms = 10000;
        bool warn_on_fallback = true;
        uint32_t max_refusals = 2; // refused by this many runners: compile locally
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

    // ---- jobs ----
    // Queues the job; the Dispatcher may be called before this returns.
    void submit(JobId job, JobSpec spec);
    void cancel(JobId job);
    // The job cannot go on remotely for a reason that is nobody's fault (a file changed
    // under it): it ends now as a local compile and frees its runner slot.
    void abandon(JobId job, const std::string& warning, const std::string& reason);
    // Whether `runner` has the job now (its result is not stale).
    bool running_on(JobId job, size_t runner) const;
    // A job that never reached the scheduler compiled locally (counted for status).
    void record_local() { ++m_jobs_local; }
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

  private:
    struct Job {
        JobId id = 0;
        JobSpec spec;
        std::map<size_t, std::string> tried; // runner -> why it did not work out
        enum class Failure { none, failed, refused };
        size_t last_runner = 0; // the last runner that had it
        Failure last_failure = Failure::none;
        uint32_t refusals = 0;
        bool cancelled = false;
        size_t runner = 0;            // while running
        uint64_t runner_failures = 0; // the runner's failure count when the job was sent
    };
    enum class Fit { unusable, waiting, busy, free };

    Fit fit(const Job& job, size_t runner, std::string* why) const;
    // The name the runner knows the job's compiler by; nullopt when it cannot run it.
    std::optional<std::string> runner_compiler_name(const RunnerView& r, const JobSpec& spec) const;
    bool less_loaded(size_t a, size_t b) const;
    void pump();
    // Returns true if the job left the queue.
    bool place(Job& job);
    void requeue_front(Job job);
    void finish_locally(const Job& job);
    // Whether the user still needs to hear about these failed runners; marks them told.
    bool claim_warning(const std::vector<size_t>& failed);
    void back_off(size_t runner, const std::string& reason);

    std::vector<RunnerView> m_runners;
    Options m_options;
    Dispatcher& m_dispatcher;
    Clock m_clock;
    std::deque<Job> m_queue;
    std::map<JobId, Job> m_running;
    size_t m_round_robin = 0;
    bool m_pumping = false;
    bool m_pump_again = false;
    uint64_t m_jobs_remote = 0;
    uint64_t m_jobs_local = 0;
    uint64_t m_last_submit_ms = 0;
};

} // namespace ferry::coordinator
