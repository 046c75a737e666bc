// How many jobs the cluster can take right now: the slots of the runners that are up plus
// the local slots, as the coordinator reports them. A build asks once a second; when the
// coordinator cannot be reached the answer is the local slots (the build goes on locally).
#pragma once

#include "config/hosts.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace ferry::integrations {

struct Capacity {
    uint32_t remote = 0;    // slots of runners that are up
    uint32_t local = 1;     // local slots
    bool reachable = false; // false: the coordinator could not be asked
    uint32_t total() const { return remote + (local > 0 ? local : 1); }
};

// Where the capacity comes from; tests give a fake.
class CapacitySource {
  public:
    virtual ~CapacitySource() = default;
    virtual Capacity poll() = 0;
};

// The coordinator for this configuration (started if needed on the first poll).
std::unique_ptr<CapacitySource> coordinator_capacity(const std::string& hosts_flag);

// At the start of a build runners may still be connecting: polls until no runner is in the
// "connecting" state (or `max_wait_ms` passes) so the first pool is not needlessly small.
Capacity initial_capacity(CapacitySource& source, int max_wait_ms = 3000);

} // namespace ferry::integrations
