#include "remote/protocol/frame.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <zstd.h>

namespace ferry::proto {

namespace {

// Below this, zstd's own frame header outweighs what it can save.
constexpr size_t kMinCompressSize = 512;
// The header says a payload's length in a u32.
constexpr size_t kMaxEncodable = std::numeric_limits<uint32_t>::max();
// A long-lived connection that once carried a huge frame should not keep its buffer forever.
constexpr size_t kKeepBufferCapacity = 1u << 20;

struct Header {
    MsgType type{};
    uint8_t flags = 0;
    uint32_t payload_len = 0;
    uint32_t raw_len = 0;
};

void put_u32(std::string& out, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>(static_cast<uint8_t>(v >> (8 * i))));
}

uint32_t get_u32(std::string_view in, size_t pos) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i)
        v |= static_cast<uint32_t>(static_cast<uint8_t>(in[pos + i])) << (8 * i);
    return v;
}

// The bytes a peer sent instead of our magic, printable: an HTTP client shows up as 'GET '.
std::string printable(std::string_view bytes) {
    std::string out;
    for (char c : bytes) {
        auto u = static_cast<uint8_t>(c);
        if (u >= 0x20 && u < 0x7f && c != '\'' && c != '\\')
            out.push_back(c);
        else
            out += fmt::format("\\x{:02x}", u);
    }
    return out;
}

// Everything that can be judged from the 16 header bytes, so a hostile length is rejected
// before a single payload byte is buffered for it.
Result<Header> parse_header(std::string_view h, const Limits& limits) {
    if (std::memcmp(h.data(), kMagic, sizeof kMagic) != 0)
        return make_error(Errc::protocol, "bad magic '{}'", printable(h.substr(0, 4)));
    const auto version = static_cast<uint8_t>(h[4]);
    if (version != kProtocolVersion)
        return make_error(Errc::protocol, "protocol version {}, this build speaks {}", version,
                          kProtocolVersion);
    const auto type = static_cast<uint8_t>(h[5]);
    if (!is_known_msg_type(type))
        return make_error(Errc::protocol, "unknown message type {}", type);
    Header out;
    out.type = static_cast<MsgType>(type);
    out.flags = static_cast<uint8_t>(h[6]);
    if ((out.flags & ~kFlagZstd) != 0)
        return make_error(Errc::protocol, "unknown frame flags 0x{:02x}", out.flags);
    const auto reserved = static_cast<uint8_t>(h[7]);
    if (reserved != 0)
        return make_error(Errc::protocol, "reserved header byte is 0x{:02x}, must be 0", reserved);
    out.payload_len = get_u32(h, 8);
    out.raw_len = get_u32(h, 12);
    const bool compressed = (out.flags & kFlagZstd) != 0;
    if (compressed && !limits.allow_compressed)
        return make_error(Errc::protocol,
                          "compressed {} frame where only plain frames are accepted",
                          msg_type_name(out.type));
    if (out.payload_len > limits.max_payload)
        return make_error(Errc::protocol, "frame payload of {} bytes exceeds the limit of {}",
                          out.payload_len, limits.max_payload);
    if (const uint32_t max_raw = limits.raw_limit(out.type); out.raw_len > max_raw)
        return make_error(Errc::protocol,
                          "{} frame decompresses to {} bytes, which exceeds the limit of {}",
                          msg_type_name(out.type), out.raw_len, max_raw);
    if (!compressed && out.raw_len != out.payload_len)
        return make_error(Errc::protocol,
                          "uncompressed frame with payload_len {} but raw_len {} (must be equal)",
                          out.payload_len, out.raw_len);
    return out;
}

// One compression and one decompression context per thread, kept for the thread's life:
// ZSTD_compress and ZSTD_decompress make and free one at every call, and glibc maps and
// unmaps such a workspace (hundreds of KiB to MiB) each time — page faults and page zeroing
// for every frame, which bench/farm's profile of ferryd showed as a fifth of its CPU (with
// fork's copy-on-write faults). The output is the same bytes: a context carries nothing
// from one call to the next but its memory.
struct ZstdContexts {
    ZSTD_CCtx* compress = ZSTD_createCCtx();
    ZSTD_DCtx* decompress = ZSTD_createDCtx();
    ZstdContexts() = default;
    ZstdContexts(const ZstdContexts&) = delete;
    ZstdContexts& operator=(const ZstdContexts&) = delete;
    ~ZstdContexts() {
        ZSTD_freeCCtx(compress);
        ZSTD_freeDCtx(decompress);
    }
};
ZstdContexts& zstd_contexts() {
    static thread_local ZstdContexts contexts;
    return contexts;
}

Result<std::string> decompress(std::string_view payload, uint32_t raw_len) {
    // Exactly one zstd frame: ZSTD_decompress would otherwise carry on into whatever follows.
    const size_t frame_size = ZSTD_findFrameCompressedSize(payload.data(), payload.size());
    if (ZSTD_isError(frame_size))
        return make_error(Errc::protocol, "corrupt zstd payload: {}",
                          ZSTD_getErrorName(frame_size));
    if (frame_size != payload.size())
        return make_error(Errc::protocol, "zstd payload has {} bytes after its frame",
                          payload.size() - frame_size);
    const unsigned long long content = ZSTD_getFrameContentSize(payload.data(), payload.size());
    if (content == ZSTD_CONTENTSIZE_UNKNOWN)
        return make_error(Errc::protocol, "zstd payload does not declare its content size");
    if (content == ZSTD_CONTENTSIZE_ERROR)
        return make_error(Errc::protocol, "corrupt zstd payload header");
    if (content != raw_len)
        return make_error(Errc::protocol, "zstd payload declares {} bytes but raw_len is {}",
                          content, raw_len);
    std::string out(raw_len, '\0');
    ZSTD_DCtx* dctx = zstd_contexts().decompress;
    const size_t n =
        dctx ? ZSTD_decompressDCtx(dctx, out.data(), out.size(), payload.data(), payload.size())
             : ZSTD_decompress(out.data(), out.size(), payload.data(), payload.size());
    if (ZSTD_isError(n))
        return make_error(Errc::protocol, "corrupt zstd payload: {}", ZSTD_getErrorName(n));
    if (n != raw_len)
        return make_error(Errc::protocol, "zstd payload decompressed to {} bytes, raw_len is {}", n,
                          raw_len);
    return out;
}

Result<std::string> decode_payload(const Header& h, std::string_view payload) {
    if ((h.flags & kFlagZstd) != 0) return decompress(payload, h.raw_len);
    return std::string(payload);
}

} // namespace

const char* msg_type_name(MsgType type) {
    switch (type) {
    case MsgType::runner_hello:
        return "runner_hello";
    case MsgType::client_hello:
        return "client_hello";
    case MsgType::job_request:
        return "job_request";
    case MsgType::need_files:
        return "need_files";
    case MsgType::file_data:
        return "file_data";
    case MsgType::job_result:
        return "job_result";
    case MsgType::error:
        return "error";
    case MsgType::stats_request:
        return "stats_request";
    case MsgType::stats:
        return "stats";
    case MsgType::ping:
        return "ping";
    case MsgType::pong:
        return "pong";
    case MsgType::job_cancel:
        return "job_cancel";
    case MsgType::auth_proof:
        return "auth_proof";
    case MsgType::ipc_acquire_local:
        return "ipc_acquire_local";
    case MsgType::ipc_granted:
        return "ipc_granted";
    case MsgType::ipc_release_local:
        return "ipc_release_local";
    case MsgType::ipc_compile:
        return "ipc_compile";
    case MsgType::ipc_compile_result:
        return "ipc_compile_result";
    case MsgType::ipc_status_request:
        return "ipc_status_request";
    case MsgType::ipc_status:
        return "ipc_status";
    case MsgType::ipc_shutdown:
        return "ipc_shutdown";
    case MsgType::ipc_memo_request:
        return "ipc_memo_request";
    case MsgType::ipc_memo:
        return "ipc_memo";
    case MsgType::ipc_speculation_used:
        return "ipc_speculation_used";
    case MsgType::ipc_jobs_request:
        return "ipc_jobs_request";
    case MsgType::ipc_jobs:
        return "ipc_jobs";
    case MsgType::ipc_watch:
        return "ipc_watch";
    case MsgType::ipc_job_event:
        return "ipc_job_event";
    }
    return "unknown";
}

bool is_known_msg_type(uint8_t type) {
    return std::strcmp(msg_type_name(static_cast<MsgType>(type)), "unknown") != 0;
}

Result<std::string> encode_frame(MsgType type, std::string_view payload, int zstd_level) {
    if (payload.size() > kMaxEncodable)
        return make_error(Errc::protocol, "{}: a payload of {} bytes does not fit in a frame",
                          msg_type_name(type), payload.size());
    std::string compressed;
    bool use_zstd = false;
    if (zstd_level != 0 && payload.size() >= kMinCompressSize) {
        const int level = std::clamp(zstd_level, ZSTD_minCLevel(), ZSTD_maxCLevel());
        compressed.resize(ZSTD_compressBound(payload.size()));
        ZSTD_CCtx* cctx = zstd_contexts().compress;
        const size_t n = cctx ? ZSTD_compressCCtx(cctx, compressed.data(), compressed.size(),
                                                  payload.data(), payload.size(), level)
                              : ZSTD_compress(compressed.data(), compressed.size(), payload.data(),
                                              payload.size(), level);
        // Incompressible data (objects already compressed...) goes as is.
        if (!ZSTD_isError(n) && n < payload.size()) {
            compressed.resize(n);
            use_zstd = true;
        }
    }
    const std::string_view body = use_zstd ? std::string_view(compressed) : payload;
    std::string out;
    out.reserve(kHeaderSize + body.size());
    out.append(kMagic, sizeof kMagic);
    out.push_back(static_cast<char>(kProtocolVersion));
    out.push_back(static_cast<char>(type));
    out.push_back(static_cast<char>(use_zstd ? kFlagZstd : 0));
    out.push_back('\0');
    put_u32(out, static_cast<uint32_t>(body.size()));
    put_u32(out, static_cast<uint32_t>(payload.size()));
    out.append(body);
    return out;
}

Error FrameDecoder::fail(Error e) {
    m_failed = true;
    std::string().swap(m_buffer);
    m_consumed = 0;
    return e;
}

Result<void> FrameDecoder::append(std::string_view bytes) {
    if (m_failed)
        return make_error(Errc::protocol, "frame decoder already failed on this connection");
    if (m_consumed > 0) {
        m_buffer.erase(0, m_consumed);
        m_consumed = 0;
    }
    if (m_buffer.empty() && m_buffer.capacity() > kKeepBufferCapacity) std::string().swap(m_buffer);
    m_buffer.append(bytes);
    return ok();
}

Result<std::optional<Frame>> FrameDecoder::next() {
    if (m_failed)
        return make_error(Errc::protocol, "frame decoder already failed on this connection");
    const std::string_view rest = std::string_view(m_buffer).substr(m_consumed);
    if (rest.size() < kHeaderSize) return std::optional<Frame>();
    auto header = parse_header(rest.substr(0, kHeaderSize), m_limits);
    if (!header) return fail(std::move(header.error()));
    if (rest.size() - kHeaderSize < header->payload_len) return std::optional<Frame>();
    auto payload = decode_payload(*header, rest.substr(kHeaderSize, header->payload_len));
    if (!payload) return fail(std::move(payload.error()));
    m_consumed += kHeaderSize + header->payload_len;
    return std::optional<Frame>(Frame{header->type, std::move(*payload)});
}

Result<void> FrameDecoder::feed(std::string_view bytes) {
    FERRY_TRY_VOID(append(bytes));
    for (;;) {
        FERRY_TRY(frame, next());
        if (!*frame) break;
        m_frames.push_back(std::move(**frame));
    }
    return ok();
}

Frame FrameDecoder::pop() {
    if (m_frames.empty()) return Frame{};
    Frame f = std::move(m_frames.front());
    m_frames.pop_front();
    return f;
}

Result<Frame> decode_single_frame(std::string_view bytes, Limits limits) {
    if (bytes.size() < kHeaderSize)
        return make_error(Errc::protocol, "truncated frame: {} of the {} header bytes",
                          bytes.size(), kHeaderSize);
    FERRY_TRY(header, parse_header(bytes.substr(0, kHeaderSize), limits));
    const std::string_view rest = bytes.substr(kHeaderSize);
    if (rest.size() < header->payload_len)
        return make_error(Errc::protocol, "truncated frame: {} of the {} payload bytes",
                          rest.size(), header->payload_len);
    if (rest.size() > header->payload_len)
        return make_error(Errc::protocol, "{} trailing bytes after the frame",
                          rest.size() - header->payload_len);
    FERRY_TRY(payload, decode_payload(*header, rest));
    return Frame{header->type, std::move(*payload)};
}

// ---- messages without a payload ----

bool has_empty_payload(MsgType type) {
    switch (type) {
    case MsgType::ipc_granted:
    case MsgType::ipc_status_request:
    case MsgType::ipc_shutdown:
    case MsgType::ipc_speculation_used:
    case MsgType::ipc_jobs_request:
    case MsgType::stats_request:
    case MsgType::ping:
    case MsgType::pong:
        return true;
    default:
        return false;
    }
}

Result<void> expect_empty(const Frame& f, MsgType type) {
    if (f.type != type)
        return make_error(Errc::protocol, "expected a {} frame, got {}", msg_type_name(type),
                          msg_type_name(f.type));
    if (!f.payload.empty())
        return make_error(Errc::protocol, "{}: {} bytes of payload, expected none",
                          msg_type_name(type), f.payload.size());
    return ok();
}

} // namespace ferry::proto
