// What ferryd accepts from a peer before and after it is trusted (docs/security.md, "limits
// that hold before trust"): the frame limits for each phase of a connection, the manifest
// limits taken from the options, and a log throttle so that refused peers cannot fill the
// disk with one line each. Pure policy: no sockets, so the unit tests check the numbers.
#pragma once

#include "remote/protocol/frame.hpp"
#include "remote/runner/mirror.hpp"
#include "remote/runner/options.hpp"

#include <cstdint>
#include <optional>

namespace ferry::runner {

// Before the greeting completes (and, with a key, before the client has proved it holds
// it): small plain frames only. A client_hello is a name and a 64-byte hex answer.
inline constexpr uint32_t kPreGreetingMaxFrame = 4096;

proto::Limits pre_greeting_limits();
// After it: each message type capped to what it can legitimately carry.
proto::Limits greeted_limits(const Options& options);
ManifestLimits manifest_limits(const Options& options);

// At most `burst` lines per `interval_ms`; the rest are counted, and the count is handed out
// once per interval for a summary line. Time is passed in, so tests need no clock.
class LogThrottle {
  public:
    LogThrottle(uint64_t interval_ms, unsigned burst) : m_interval(interval_ms), m_burst(burst) {}
    // True: log this event in full. False: it was counted for the summary.
    bool allow(uint64_t now_ms);
    // The events suppressed since the last call (then forgotten), if any. The burst is not
    // renewed by this: only by a new interval.
    std::optional<uint64_t> take_summary(uint64_t now_ms);
    uint64_t suppressed() const { return m_suppressed; }

  private:
    void roll(uint64_t now_ms);

    uint64_t m_interval;
    unsigned m_burst;
    uint64_t m_window_start = 0;
    bool m_started = false;
    unsigned m_logged = 0;
    uint64_t m_suppressed = 0;      // in the current window
    uint64_t m_pending_summary = 0; // from windows that ended
};

} // namespace ferry::runner
