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
//
// Queue ahead: while runner slots are busy, `queue_ahead` tokens more for each (hosts.toml,
// default 8, at most kMaxAheadTokens in all). A slot that frees then finds a compile already
// analysed and waiting in the coordinator's queue instead of waiting for make to start one
// (the client's share of a job, ~100 ms on a slow client, is no longer a gap in every slot),
// and the queue has a choice: it sends the longest expected job first
// (coordinator/scheduler.hpp), so the build's longest compile does not start last because make
// or ninja reached it last. googletest's gtest_unittest.cc, ninja's 30th of 33, decides that
// build's wall in bench/farm: with 1 token per slot it still reached the queue 40-50 s into the
// build (200-242 s); with 8 the whole build is queued from the start (162-174 s, session 21).
// distcc's advice of -j twice the CPUs buys the same slack blindly. Only busy slots lend: a
// stretch of make's own local steps (perl, links) with the runners idle gets no more tokens
// than slots.
#pragma once

#include "config/hosts.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace ferry::integrations {

// The most tokens queue ahead lends, whatever the cluster's size: at 8 per busy slot a farm of
// 100 slots would let make run 800 jobs more, its own local steps (generators, tests) among
// them, on this machine. 64 keeps a 33-object build whole in the queue on a 6-slot farm.
inline constexpr uint32_t kMaxAheadTokens = 64;

struct Capacity {
    uint32_t remote = 0;        // slots of runners that are up
    uint32_t local = 1;         // local slots
    uint32_t local_waiting = 0; // wrappers waiting for a local slot
    uint32_t remote_busy = 0;   // runner slots taken (of runners that are up)
    uint32_t queue_ahead = 0;   // tokens per busy runner slot ([client] queue_ahead)
    bool reachable = false;     // false: the coordinator could not be asked
    uint32_t lent() const { return local_waiting < remote ? local_waiting : remote; }
    uint32_t ahead() const {
        const uint64_t lend = uint64_t(queue_ahead) * (remote_busy < remote ? remote_busy : remote);
        return lend < kMaxAheadTokens ? uint32_t(lend) : kMaxAheadTokens;
    }
    // Saturates rather than wraps: a coordinator that reports absurd slot counts gets the
    // largest pool (pool_session caps it), never a small one.
    uint32_t total() const {
        const uint64_t sum = uint64_t(remote) + (local > 0 ? local : 1) + lent() + ahead();
        return sum < UINT32_MAX ? uint32_t(sum) : UINT32_MAX;
    }
};

// Where the capacity comes from; tests give a fake.
class CapacitySource {
  public:
    virtual ~CapacitySource() = default;
    virtual Capacity poll() = 0;
    // What the build's nice value goes up by ([client] build_nice; 0 with no runner).
    virtual uint32_t build_nice() const { return 0; }
};

// The coordinator for this configuration (started if needed on the first poll).
std::unique_ptr<CapacitySource> coordinator_capacity(const std::string& hosts_flag);

// At the start of a build runners may still be connecting: polls until no runner is in the
// "connecting" state (or `max_wait_ms` passes) so the first pool is not needlessly small.
Capacity initial_capacity(CapacitySource& source, int max_wait_ms = 3000);

} // namespace ferry::integrations
