// How many jobs the cluster can take right now: the slots of the runners that are up plus
// the local slots, as the coordinator reports them, plus a token lent for each wrapper that
// waits for a local slot. A build asks once a second; when the coordinator cannot be reached
// the answer is the local slots (the build goes on locally).
//
// The loan: a job waiting for the client's local slot (an assembler file, a unit the
// analysis sends to the scan, a link) holds its make token while using no CPU and no
// runner. In session 10's OpenSSL timeline 2–3.5 jobs at a time waited so (for the scan)
// while the runners idled (bench/farm/RESULTS.md); a token more for each, up to the
// runners' slots, lets make start the jobs that can go remote meanwhile. OpenSSL's own perl
// steps are no ferry job and get no loan. The pool shrinks again as the waits end (tokens
// are retired as they come back).
#pragma once

#include "config/hosts.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace ferry::integrations {

struct Capacity {
    uint32_t remote = 0;        // slots of runners that are up
    uint32_t local = 1;         // local slots
    uint32_t local_waiting = 0; // wrappers waiting for a local slot
    bool reachable = false;     // false: the coordinator could not be asked
    uint32_t lent() const { return local_waiting < remote ? local_waiting : remote; }
    uint32_t total() const { return remote + (local > 0 ? local : 1) + lent(); }
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
