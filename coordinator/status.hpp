// The coordinator's answer to `ferry status` (and to `ferry make`, which sizes its jobserver
// from the remote capacity): every runner's state and load, the local slots, the queue and
// the counters, as one IpcStatus.
#pragma once

#include "coordinator/local_slots.hpp"
#include "coordinator/scheduler.hpp"
#include "ipc/messages.hpp"

#include <cstdint>

namespace ferry::coordinator {

// `now_ms` on the scheduler's clock, for the time left in a runner's backoff.
proto::IpcStatus make_status(const Scheduler& scheduler, const LocalSlots& slots, uint32_t pid,
                             uint64_t now_ms);

} // namespace ferry::coordinator
