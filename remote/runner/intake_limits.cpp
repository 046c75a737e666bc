#include "remote/runner/intake_limits.hpp"

#include <algorithm>
#include <utility>

namespace ferry::runner {

using proto::MsgType;

proto::Limits pre_greeting_limits() {
    proto::Limits limits;
    limits.max_payload = kPreGreetingMaxFrame;
    limits.max_raw = kPreGreetingMaxFrame;
    limits.allow_compressed = false;
    return limits;
}

proto::Limits greeted_limits(const Options& options) {
    proto::Limits limits;             // file_data and anything else: the protocol's general limits
    constexpr uint32_t kControl = 64; // ping, stats_request: empty payloads
    constexpr uint32_t kMessage = 64u << 10; // an error's text
    limits.cap(MsgType::client_hello, kPreGreetingMaxFrame)
        .cap(MsgType::ping, kControl)
        .cap(MsgType::stats_request, kControl)
        .cap(MsgType::job_cancel, kControl)
        .cap(MsgType::error, kMessage)
        .cap(MsgType::job_request,
             static_cast<uint32_t>(std::min<uint64_t>(options.max_request_bytes, limits.max_raw)));
    return limits;
}

ManifestLimits manifest_limits(const Options& options) {
    ManifestLimits limits;
    limits.max_directories = options.max_mirror_dirs;
    limits.max_path_depth = options.max_path_depth;
    return limits;
}

void LogThrottle::roll(uint64_t now_ms) {
    if (!m_started) {
        m_started = true;
        m_window_start = now_ms;
        return;
    }
    if (now_ms - m_window_start < m_interval) return;
    m_pending_summary += m_suppressed;
    m_suppressed = 0;
    m_logged = 0;
    m_window_start = now_ms;
}

bool LogThrottle::allow(uint64_t now_ms) {
    roll(now_ms);
    if (m_logged < m_burst) {
        ++m_logged;
        return true;
    }
    ++m_suppressed;
    return false;
}

std::optional<uint64_t> LogThrottle::take_summary(uint64_t now_ms) {
    roll(now_ms);
    const uint64_t count = std::exchange(m_pending_summary, 0) + std::exchange(m_suppressed, 0);
    if (count == 0) return std::nullopt;
    return count;
}

} // namespace ferry::runner
