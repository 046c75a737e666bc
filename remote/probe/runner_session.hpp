// A blocking connection to a runner where every step has a deadline: for short-lived tools
// that talk to one runner at a time (`ferry doctor`, ferry_probe). A peer that never
// answers, answers slowly or sends endless bytes costs at most the caller's timeout, and
// frames are decoded under limits the caller chooses (a greeting is small).
#pragma once

#include "remote/protocol/frame.hpp"
#include "remote/protocol/messages.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::probe {

// Limits for a peer that has proved nothing yet: a greeting, an error or a proof is a few
// KiB; nothing compressed.
proto::Limits greeting_limits();

class RunnerSession {
  public:
    // Connects to host:port (a literal or a name) within `timeout_ms`. Errc::unavailable
    // when the connection is refused or the address is unreachable, Errc::timeout when
    // nothing answered in time, Errc::invalid for a name that does not resolve.
    static Result<RunnerSession> connect(const std::string& host, uint16_t port, int timeout_ms);
    // Takes a socket that is already connected (a test tool that binds a source address).
    static RunnerSession adopt(Fd fd, proto::Limits limits = {});

    // Sends everything within `timeout_ms` (-1: no limit).
    Result<void> send_raw(std::string_view bytes, int timeout_ms = -1);
    template <typename Msg> Result<void> send(const Msg& msg, int timeout_ms = -1) {
        FERRY_TRY(bytes, proto::frame(msg));
        return send_raw(*bytes, timeout_ms);
    }
    // The next frame; nullopt when the peer closed the connection; Errc::timeout when no
    // whole frame came within `timeout_ms` (-1: wait); Errc::protocol for bytes that are
    // not a frame within the limits.
    Result<std::optional<proto::Frame>> receive(int timeout_ms = -1);

    void set_limits(const proto::Limits& limits) { m_decoder.set_limits(limits); }
    // The version byte of the peer's first frame header, when its first bytes were a ferry
    // frame's magic: tells "another ferry version" from "not ferry at all" even though the
    // decoder refuses both.
    std::optional<uint8_t> peer_frame_version() const;
    int fd() const { return m_fd.get(); }

  private:
    RunnerSession(Fd fd, proto::Limits limits) : m_fd(std::move(fd)), m_decoder(limits) {}
    Fd m_fd;
    proto::FrameDecoder m_decoder;
    std::string m_first_bytes; // up to the version byte of the first header
};

} // namespace ferry::probe
