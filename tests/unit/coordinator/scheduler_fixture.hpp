// The scheduler's test bench: a dispatcher that records what the scheduler asked of it, a
// fake clock, and runners' hellos, shared by the scheduler's test files.
#pragma once

#include "coordinator/scheduler.hpp"

#include <string>
#include <vector>

namespace ferry::coordinator::testing {

inline const std::string kGccId = "0123456789abcdef0123456789abcdef";
inline const std::string kClangId = "fedcba9876543210fedcba9876543210";

struct Dispatched {
    JobId job;
    size_t runner;
    std::string compiler_name;
};

struct Finished {
    JobId job;
    bool remote;
    size_t runner;
    std::string warning;
    int exit_code;
};

class FakeDispatcher : public Dispatcher {
  public:
    void dispatch(JobId job, size_t runner, const std::string& compiler_name) override {
        dispatched.push_back({job, runner, compiler_name});
    }
    void dispatch_backup(JobId job, size_t runner, const std::string& compiler_name) override {
        backups.push_back({job, runner, compiler_name});
    }
    void finish_remote(JobId job, size_t runner, proto::JobResult result) override {
        finished.push_back({job, true, runner, "", result.exit_code});
    }
    void finish_local(JobId job, const std::string& warning, const std::string& reason) override {
        finished.push_back({job, false, 0, warning, -1});
        reasons.push_back(reason);
    }
    void requeued(JobId job) override { requeues.push_back(job); }
    void cancel_copy(JobId job, size_t runner) override { cancels.push_back({job, runner, ""}); }
    std::vector<std::string> reasons;
    std::vector<JobId> requeues;
    std::vector<Dispatched> dispatched;
    std::vector<Dispatched> backups;
    std::vector<Dispatched> cancels; // copies the runner is asked to stop
    std::vector<Finished> finished;
};

inline proto::RunnerHello hello(uint32_t slots,
                                std::vector<proto::CompilerInfo> compilers = {
                                    {"gcc", "c", "x86_64-linux-gnu", "gcc 12", kGccId},
                                    {"g++", "c++", "x86_64-linux-gnu", "g++ 12", kGccId}}) {
    // Built whole: g++ 12 -O2 gives a false -Wrestrict on `h.runner_name = "r"`.
    return proto::RunnerHello{
        proto::kProtocolVersion, std::string("r"), slots, std::move(compilers), {}};
}

inline JobSpec gcc_job() {
    return JobSpec{kGccId, "c", "gcc"};
}

inline proto::JobResult result(JobId job, proto::JobStatus status, std::string message = {},
                               int exit_code = 0) {
    proto::JobResult r;
    r.job_id = job;
    r.status = status;
    r.message = std::move(message);
    r.exit_code = exit_code;
    return r;
}

struct Fixture {
    explicit Fixture(std::vector<RunnerSetup> runners, Scheduler::Options options = {})
        : scheduler(std::move(runners), options, dispatcher, [this] { return now; }) {}
    uint64_t now = 1000;
    FakeDispatcher dispatcher;
    Scheduler scheduler;
};

inline std::vector<RunnerSetup> two_runners(uint32_t a_slots = 0, uint32_t b_slots = 0) {
    return {{"a", "127.0.0.2:3633", a_slots}, {"b", "127.0.0.3:3633", b_slots}};
}

} // namespace ferry::coordinator::testing
