// Framing for every ferry connection (runner TCP and the coordinator's unix socket).
// A frame is a 16-byte header and a payload:
//   magic "FRY1" | u8 version | u8 type | u8 flags | u8 reserved | u32 payload_len | u32 raw_len
// little-endian. flags bit 0: payload is zstd-compressed; raw_len is its decompressed size
// (equal to payload_len when not compressed). Both lengths are checked against Limits
// (which can cap each message type, and forbid compression) before a byte is allocated for
// the payload, and a zstd payload must declare its content size. The full specification is
// docs/protocol.md.
#pragma once

#include "util/result.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace ferry::proto {

inline constexpr uint8_t kProtocolVersion = 3;
inline constexpr size_t kHeaderSize = 16;
inline constexpr char kMagic[4] = {'F', 'R', 'Y', '1'};
inline constexpr uint8_t kFlagZstd = 1;

enum class MsgType : uint8_t {
    // runner protocol (coordinator <-> ferryd)
    runner_hello = 1, // ferryd -> client, first frame on a connection
    client_hello = 2, // client -> ferryd, answer to the greeting
    job_request = 3,
    need_files = 4,
    file_data = 5,
    job_result = 6,
    error = 7, // either direction: fatal for the connection
    stats_request = 8,
    stats = 9,
    ping = 10,
    pong = 11,
    auth_proof = 12, // ferryd -> client: the runner's half of authentication (only with a key)
    job_cancel = 13, // client -> ferryd: a job's answer is no longer wanted (version 3)
    // coordinator IPC (wrapper/ferry make <-> coordinator over the unix socket)
    ipc_acquire_local = 32,
    ipc_granted = 33,
    ipc_release_local = 34,
    ipc_compile = 35,
    ipc_compile_result = 36,
    ipc_status_request = 37,
    ipc_status = 38,
    ipc_shutdown = 39,
    ipc_memo_request = 40,
    ipc_memo = 41,
    ipc_speculation_used = 42,
    ipc_jobs_request = 43, // -> IpcJobs
    ipc_jobs = 44,
    ipc_watch = 45, // the connection becomes a watcher: IpcJobs, then IpcJobEvent...
    ipc_job_event = 46,
};

const char* msg_type_name(MsgType type);
bool is_known_msg_type(uint8_t type);

inline constexpr size_t kMsgTypeSlots = 64; // every MsgType value is below this

struct Limits {
    uint32_t max_payload = 256u << 20; // on the wire
    uint32_t max_raw = 512u << 20;     // after decompression
    // false: a compressed frame is refused outright (a peer that has proved nothing must not
    // make us run a decompressor).
    bool allow_compressed = true;
    // Per message type, a tighter cap on the decompressed size; 0 means max_raw. A ping
    // has no reason to carry 512 MiB.
    std::array<uint32_t, kMsgTypeSlots> max_raw_by_type{};

    constexpr Limits& cap(MsgType type, uint32_t max) {
        max_raw_by_type[static_cast<uint8_t>(type)] = max;
        return *this;
    }
    constexpr uint32_t raw_limit(MsgType type) const {
        const auto i = static_cast<uint8_t>(type);
        const uint32_t per_type = i < kMsgTypeSlots ? max_raw_by_type[i] : 0;
        return per_type != 0 && per_type < max_raw ? per_type : max_raw;
    }
};

struct Frame {
    MsgType type{};
    std::string payload; // decompressed
};

// zstd_level 0 sends the payload uncompressed; small payloads (< 512 bytes) are never
// compressed because zstd would only make them larger. A payload whose length does not fit
// the header's u32 is an error (Errc::protocol), returned, never thrown: senders run inside
// libuv callbacks.
Result<std::string> encode_frame(MsgType type, std::string_view payload, int zstd_level = 0);

// Incremental decoder for a byte stream. Two ways to use it:
// - feed() what arrived, then pop whole frames (every complete frame is decoded at once);
// - append() what arrived, then next() one frame at a time: nothing is parsed or
//   decompressed until asked for, so a server can tighten or relax the limits between
//   frames (before the greeting, after authentication) and bytes pipelined behind a hello
//   are judged by the limits of the state the hello leads to.
// After an error the decoder stays failed (the connection must be dropped).
class FrameDecoder {
  public:
    explicit FrameDecoder(Limits limits = {}) : m_limits(limits) {}
    Result<void> feed(std::string_view bytes);
    bool has_frame() const { return !m_frames.empty(); }
    Frame pop();

    // Buffers bytes without looking at them; fails only on a decoder that already failed.
    Result<void> append(std::string_view bytes);
    // The next whole frame in the buffer, nullopt when it is not all there yet.
    Result<std::optional<Frame>> next();
    void set_limits(const Limits& limits) { m_limits = limits; }
    const Limits& limits() const { return m_limits; }

    // Bytes of a partial frame still buffered (a peer that closes with this non-zero has
    // closed mid-frame).
    size_t buffered() const { return m_buffer.size() - m_consumed; }

  private:
    Error fail(Error e);

    Limits m_limits;
    std::string m_buffer;
    size_t m_consumed = 0; // bytes at the front of m_buffer already decoded by next()
    std::deque<Frame> m_frames;
    bool m_failed = false;
};

// Decodes exactly one frame from `bytes` (tests, fuzzing). Errors on trailing bytes.
Result<Frame> decode_single_frame(std::string_view bytes, Limits limits = {});

// ---- typed frames: a message struct (remote/protocol/messages.hpp, ipc/messages.hpp) in a
// frame. encode(msg) and decode(payload, msg) are found with the message.

// The MsgType each message travels as, so senders write frame(msg) instead of pairing by hand.
template <typename Msg>
requires requires {
    Msg::kType;
}
constexpr MsgType type_of(const Msg&) {
    return Msg::kType;
}

template <typename Msg> Result<std::string> frame(const Msg& msg, int zstd_level = 0) {
    return encode_frame(type_of(msg), encode(msg), zstd_level);
}

// ipc_granted, ipc_status_request, ipc_shutdown, ipc_speculation_used,
// ipc_jobs_request, stats_request, ping and pong carry no payload (no struct): send
// encode_frame(type, {}), check with expect_empty().
bool has_empty_payload(MsgType type);
Result<void> expect_empty(const Frame& f, MsgType type);

// Decode a frame's payload as Msg, checking the frame's type first.
template <typename Msg> Result<Msg> decode_as(const Frame& f) {
    Msg msg;
    if (f.type != type_of(msg))
        return make_error(Errc::protocol, "expected a {} frame, got {}",
                          msg_type_name(type_of(msg)), msg_type_name(f.type));
    FERRY_TRY_VOID(decode(f.payload, msg));
    return msg;
}

} // namespace ferry::proto
