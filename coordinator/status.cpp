#include "coordinator/status.hpp"

namespace ferry::coordinator {

proto::IpcStatus make_status(const Scheduler& scheduler, const LocalSlots& slots, uint32_t pid,
                             uint64_t now_ms) {
    proto::IpcStatus status;
    const auto& runners = scheduler.runners();
    for (size_t i = 0; i < runners.size(); ++i) {
        const RunnerView& v = runners[i];
        proto::RunnerStatus r;
        r.name = v.setup.name;
        r.address = v.setup.address;
        r.state = runner_state_name(scheduler.state(i));
        r.slots = v.slots != 0 ? v.slots : v.setup.slots;
        r.in_flight = v.in_flight;
        r.jobs_done = v.jobs_done;
        r.failures = v.failures;
        r.last_error = v.last_error;
        r.compilers = v.compilers;
        r.runs_toolchains = v.runs_toolchains;
        if (scheduler.state(i) == RunnerState::backoff && v.backoff_until_ms > now_ms)
            r.backoff_ms = v.backoff_until_ms - now_ms;
        status.runners.push_back(std::move(r));
    }
    status.remote_capacity = scheduler.remote_capacity();
    status.local_slots = slots.capacity();
    status.local_in_use = slots.in_use();
    status.local_waiting = slots.waiting();
    status.queued = scheduler.queued();
    status.jobs_remote = scheduler.jobs_remote();
    status.jobs_local = scheduler.jobs_local();
    status.backups_started = scheduler.backups_started();
    status.backups_won = scheduler.backups_won();
    status.backups_discarded = scheduler.late_discarded();
    status.pid = pid;
    return status;
}

} // namespace ferry::coordinator
