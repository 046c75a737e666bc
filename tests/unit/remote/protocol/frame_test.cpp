#include "remote/protocol/frame.hpp"
#include "tests/unit/remote/protocol/alloc_probe.hpp"
#include "tests/unit/remote/protocol/samples.hpp"

#include <doctest/doctest.h>
#include <sys/mman.h>
#include <vector>
#include <zstd.h>

using namespace ferry;
using namespace ferry::proto;
using namespace std::string_literals;

namespace {

using test::AllocationProbe;

std::string header(const char magic[4], uint8_t version, uint8_t type, uint8_t flags,
                   uint8_t reserved, uint32_t payload_len, uint32_t raw_len) {
    std::string h(magic, 4);
    h.push_back(static_cast<char>(version));
    h.push_back(static_cast<char>(type));
    h.push_back(static_cast<char>(flags));
    h.push_back(static_cast<char>(reserved));
    for (uint32_t v : {payload_len, raw_len})
        for (int i = 0; i < 4; ++i)
            h.push_back(static_cast<char>(static_cast<uint8_t>(v >> (8 * i))));
    return h;
}

std::string good_header(uint8_t flags, uint32_t payload_len, uint32_t raw_len) {
    return header(kMagic, kProtocolVersion, static_cast<uint8_t>(MsgType::job_result), flags, 0,
                  payload_len, raw_len);
}

std::string compressible(size_t n) {
    std::string s;
    while (s.size() < n)
        s += "#include <stdio.h>\nint main(void) { return 0; }\n";
    s.resize(n);
    return s;
}

std::string zstd_compress(std::string_view in) {
    std::string out(ZSTD_compressBound(in.size()), '\0');
    size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
    REQUIRE(!ZSTD_isError(n));
    out.resize(n);
    return out;
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

std::string error_of(const Result<void>& r) {
    return r ? "" : r.error().message;
}
std::string error_of(const Result<Frame>& r) {
    return r ? "" : r.error().message;
}

} // namespace

TEST_CASE("uncompressed frame round trip and header layout") {
    const std::string payload = "hello\0world"s;
    std::string bytes = *encode_frame(MsgType::ping, payload);
    REQUIRE(bytes.size() == kHeaderSize + payload.size());
    CHECK(bytes.substr(0, 4) == "FRY1");
    CHECK(static_cast<uint8_t>(bytes[4]) == kProtocolVersion);
    CHECK(static_cast<uint8_t>(bytes[5]) == static_cast<uint8_t>(MsgType::ping));
    CHECK(bytes[6] == 0);
    CHECK(bytes[7] == 0);
    CHECK(bytes.substr(8, 8) == "\x0b\0\0\0\x0b\0\0\0"s);
    auto f = decode_single_frame(bytes);
    REQUIRE(f);
    CHECK(f->type == MsgType::ping);
    CHECK(f->payload == payload);
}

TEST_CASE("compression: used when it helps, skipped for small or incompressible payloads") {
    const std::string big = compressible(100000);
    std::string bytes = *encode_frame(MsgType::file_data, big, 3);
    CHECK(bytes[6] == static_cast<char>(kFlagZstd));
    CHECK(bytes.size() < big.size() / 4);
    auto f = decode_single_frame(bytes);
    REQUIRE(f);
    CHECK(f->type == MsgType::file_data);
    CHECK(f->payload == big);

    const std::string small = compressible(511);
    bytes = *encode_frame(MsgType::file_data, small, 3);
    CHECK(bytes[6] == 0);
    CHECK(bytes.size() == kHeaderSize + small.size());

    std::string random;
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < 4096; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        random.push_back(static_cast<char>(x));
    }
    bytes = *encode_frame(MsgType::file_data, random, 19);
    CHECK(bytes[6] == 0);
    auto g = decode_single_frame(bytes);
    REQUIRE(g);
    CHECK(g->payload == random);

    // Level 0 never compresses, however compressible the payload.
    bytes = *encode_frame(MsgType::file_data, big, 0);
    CHECK(bytes[6] == 0);
    CHECK(bytes.size() == kHeaderSize + big.size());
}

TEST_CASE("FrameDecoder: one byte at a time and several frames in one feed") {
    std::vector<std::pair<MsgType, std::string>> sent = {
        {MsgType::ping, ""},
        {MsgType::job_request, "abc\0def"s},
        {MsgType::file_data, compressible(20000)},
        {MsgType::ipc_status, samples::binary_blob(1000, 4)},
    };
    std::string stream;
    for (const auto& [type, payload] : sent)
        stream += *encode_frame(type, payload, 5);

    SUBCASE("one byte at a time") {
        FrameDecoder d;
        std::vector<Frame> got;
        for (char c : stream) {
            REQUIRE(d.feed(std::string_view(&c, 1)));
            while (d.has_frame())
                got.push_back(d.pop());
        }
        CHECK(d.buffered() == 0);
        REQUIRE(got.size() == sent.size());
        for (size_t i = 0; i < sent.size(); ++i) {
            CHECK(got[i].type == sent[i].first);
            CHECK(got[i].payload == sent[i].second);
        }
    }
    SUBCASE("all at once") {
        FrameDecoder d;
        REQUIRE(d.feed(stream));
        for (const auto& [type, payload] : sent) {
            REQUIRE(d.has_frame());
            Frame f = d.pop();
            CHECK(f.type == type);
            CHECK(f.payload == payload);
        }
        CHECK(!d.has_frame());
    }
    SUBCASE("odd chunks") {
        FrameDecoder d;
        size_t n = 0;
        for (size_t pos = 0, step = 1; pos < stream.size(); pos += step, step = step * 3 % 17 + 1)
            REQUIRE(d.feed(std::string_view(stream).substr(pos, step)));
        while (d.has_frame()) {
            Frame f = d.pop();
            REQUIRE(n < sent.size());
            CHECK(f.payload == sent[n++].second);
        }
        CHECK(n == sent.size());
    }
}

TEST_CASE("a frame cut at every point is incomplete for the decoder, an error alone") {
    for (int level : {0, 3}) {
        const std::string bytes = *encode_frame(MsgType::job_result, compressible(2000), level);
        CAPTURE(level);
        for (size_t cut = 0; cut < bytes.size(); ++cut) {
            CAPTURE(cut);
            const std::string_view prefix = std::string_view(bytes).substr(0, cut);
            FrameDecoder d;
            REQUIRE(d.feed(prefix));
            CHECK(!d.has_frame());
            CHECK(d.buffered() == cut);
            auto single = decode_single_frame(prefix);
            REQUIRE(!single);
            CHECK(single.error().code == Errc::protocol);
            CHECK(single.error().message.find("truncated frame") != std::string::npos);
        }
    }
}

TEST_CASE("decode_single_frame rejects trailing bytes") {
    auto r = decode_single_frame(*encode_frame(MsgType::pong, "") + "x");
    REQUIRE(!r);
    CHECK(error_of(r) == "1 trailing bytes after the frame");
}

TEST_CASE("oversized lengths are rejected from the header alone, without allocating") {
    SUBCASE("payload_len over the limit") {
        FrameDecoder d;
        AllocationProbe probe;
        auto r = d.feed(good_header(0, 300000000, 300000000));
        CHECK(error_of(r) == "frame payload of 300000000 bytes exceeds the limit of 268435456");
        CHECK(probe.largest() < 4096);
    }
    SUBCASE("a header claiming 4 GiB") {
        FrameDecoder d;
        AllocationProbe probe;
        auto r = d.feed(good_header(kFlagZstd, 100, 0xffffffffu));
        CHECK(error_of(r) ==
              "job_result frame decompresses to 4294967295 bytes, which exceeds the limit of "
              "536870912");
        auto s = decode_single_frame(good_header(0, 0xffffffffu, 0xffffffffu));
        CHECK(!s);
        CHECK(probe.largest() < 4096);
    }
    SUBCASE("within the limit, only what arrived is buffered") {
        FrameDecoder d;
        AllocationProbe probe;
        REQUIRE(d.feed(good_header(0, 200u << 20, 200u << 20) + "abc"));
        CHECK(!d.has_frame());
        CHECK(d.buffered() == kHeaderSize + 3);
        CHECK(probe.largest() < 4096);
    }
    SUBCASE("custom limits") {
        Limits small{100, 1000};
        CHECK(!decode_single_frame(*encode_frame(MsgType::ping, std::string(101, 'x')), small));
        CHECK(decode_single_frame(*encode_frame(MsgType::ping, std::string(100, 'x')), small));
        // Compressed below max_payload but expanding past max_raw.
        auto bytes = *encode_frame(MsgType::ping, std::string(1001, 'x'), 3);
        REQUIRE(bytes.size() - kHeaderSize <= 100);
        auto r = decode_single_frame(bytes, small);
        CHECK(error_of(r) ==
              "ping frame decompresses to 1001 bytes, which exceeds the limit of 1000");
    }
}

TEST_CASE("Limits: per-type caps, and a mode that refuses compressed frames") {
    Limits limits;
    limits.cap(MsgType::ping, 64).cap(MsgType::job_request, 1000);
    CHECK(limits.raw_limit(MsgType::ping) == 64);
    CHECK(limits.raw_limit(MsgType::job_request) == 1000);
    CHECK(limits.raw_limit(MsgType::file_data) == limits.max_raw);
    // A cap above max_raw does not raise it.
    limits.cap(MsgType::file_data, 0xffffffffu);
    CHECK(limits.raw_limit(MsgType::file_data) == limits.max_raw);

    SUBCASE("a compressed ping that inflates past its cap is refused before inflating") {
        const std::string bomb = *encode_frame(MsgType::ping, std::string(1u << 20, '\0'), 3);
        REQUIRE(bomb.size() < 1000);
        FrameDecoder d(limits);
        AllocationProbe probe;
        auto r = d.feed(bomb);
        CHECK(error_of(r) == "ping frame decompresses to 1048576 bytes, which exceeds the limit "
                             "of 64");
        CHECK(probe.largest() < 4096);
    }
    SUBCASE("the same bytes as file_data are fine") {
        const std::string data(1u << 20, '\0');
        auto f = decode_single_frame(*encode_frame(MsgType::file_data, data, 3), limits);
        REQUIRE(f);
        CHECK(f->payload == data);
    }
    SUBCASE("allow_compressed = false refuses any compressed frame, however small") {
        Limits plain;
        plain.allow_compressed = false;
        auto small = *encode_frame(MsgType::client_hello, compressible(600), 3);
        REQUIRE((static_cast<uint8_t>(small[6]) & kFlagZstd) != 0);
        CHECK(error_of(decode_single_frame(small, plain)) ==
              "compressed client_hello frame where only plain frames are accepted");
        CHECK(decode_single_frame(*encode_frame(MsgType::client_hello, compressible(600)), plain));
    }
}

TEST_CASE("FrameDecoder::next decodes one frame at a time under the current limits") {
    Limits strict;
    strict.max_payload = 100;
    strict.max_raw = 100;
    strict.allow_compressed = false;
    const std::string hello = *encode_frame(MsgType::client_hello, "hi");
    const std::string big = *encode_frame(MsgType::job_request, compressible(5000), 3);
    REQUIRE((static_cast<uint8_t>(big[6]) & kFlagZstd) != 0);

    SUBCASE("frames behind the first are not judged until asked for") {
        FrameDecoder d(strict);
        REQUIRE(d.append(hello + big));
        auto first = d.next();
        REQUIRE(first);
        REQUIRE(*first);
        CHECK((*first)->type == MsgType::client_hello);
        CHECK(d.buffered() == big.size());
        d.set_limits(Limits{}); // the hello passed: relax
        auto second = d.next();
        REQUIRE(second);
        REQUIRE(*second);
        CHECK((*second)->payload == compressible(5000));
        auto none = d.next();
        REQUIRE(none);
        CHECK(!*none);
        CHECK(d.buffered() == 0);
    }
    SUBCASE("under the strict limits the second frame fails the decoder") {
        FrameDecoder d(strict);
        REQUIRE(d.append(hello + big));
        REQUIRE(d.next());
        auto second = d.next();
        REQUIRE(!second);
        CHECK(contains(second.error().message, "compressed job_request frame"));
        CHECK(!d.append("x"));
    }
    SUBCASE("byte by byte") {
        FrameDecoder d;
        std::vector<MsgType> got;
        for (char c : hello + big) {
            REQUIRE(d.append(std::string_view(&c, 1)));
            auto f = d.next();
            REQUIRE(f);
            if (*f) got.push_back((*f)->type);
        }
        CHECK(got == std::vector<MsgType>{MsgType::client_hello, MsgType::job_request});
    }
}

TEST_CASE("a zstd payload without a declared size is refused, not inflated") {
    // Streaming compression without a pledged size leaves the content size out.
    const std::string raw(1u << 20, '\0');
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    REQUIRE(cctx);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
    std::string out(ZSTD_compressBound(raw.size()), '\0');
    ZSTD_outBuffer o{out.data(), out.size(), 0};
    ZSTD_inBuffer in{raw.data(), raw.size(), 0};
    REQUIRE(ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_end) == 0);
    ZSTD_freeCCtx(cctx);
    out.resize(o.pos);
    AllocationProbe probe;
    auto r = decode_single_frame(good_header(kFlagZstd, static_cast<uint32_t>(out.size()),
                                             static_cast<uint32_t>(raw.size())) +
                                 out);
    CHECK(error_of(r) == "zstd payload does not declare its content size");
    CHECK(probe.largest() < 4096);
}

TEST_CASE("bad headers") {
    auto check = [](const std::string& bytes, const std::string& message) {
        CAPTURE(message);
        auto r = decode_single_frame(bytes);
        REQUIRE(!r);
        CHECK(r.error().code == Errc::protocol);
        CHECK(r.error().message == message);
        FrameDecoder d;
        CHECK(error_of(d.feed(bytes)) == message);
    };
    check("GET / HTTP/1.1\r\n\r\n", "bad magic 'GET '");
    check(header("\0\x01'\\", 1, 10, 0, 0, 0, 0), "bad magic '\\x00\\x01\\x27\\x5c'");
    const uint8_t next = kProtocolVersion + 1;
    check(header(kMagic, next, 10, 0, 0, 0, 0),
          fmt::format("protocol version {}, this build speaks {}", next, kProtocolVersion));
    check(header(kMagic, 0, 10, 0, 0, 0, 0),
          fmt::format("protocol version 0, this build speaks {}", kProtocolVersion));
    check(header(kMagic, kProtocolVersion, 0, 0, 0, 0, 0), "unknown message type 0");
    check(header(kMagic, kProtocolVersion, 14, 0, 0, 0, 0), "unknown message type 14");
    check(header(kMagic, kProtocolVersion, 255, 0, 0, 0, 0), "unknown message type 255");
    check(header(kMagic, kProtocolVersion, 10, 2, 0, 0, 0), "unknown frame flags 0x02");
    check(header(kMagic, kProtocolVersion, 10, 0x81, 0, 0, 0), "unknown frame flags 0x81");
    check(header(kMagic, kProtocolVersion, 10, 0, 7, 0, 0),
          "reserved header byte is 0x07, must be 0");
    check(header(kMagic, kProtocolVersion, 10, 0, 0, 3, 4) + "abc",
          "uncompressed frame with payload_len 3 but raw_len 4 (must be equal)");
}

TEST_CASE("zstd payloads must declare exactly raw_len and hold one frame") {
    const std::string raw = compressible(5000);
    const std::string z = zstd_compress(raw);
    auto frame_with = [](std::string_view body, uint32_t raw_len) {
        return good_header(kFlagZstd, static_cast<uint32_t>(body.size()), raw_len) +
               std::string(body);
    };
    auto good = decode_single_frame(frame_with(z, 5000));
    REQUIRE(good);
    CHECK(good->payload == raw);

    CHECK(error_of(decode_single_frame(frame_with(z, 4999))) ==
          "zstd payload declares 5000 bytes but raw_len is 4999");
    CHECK(error_of(decode_single_frame(frame_with(z, 5001))) ==
          "zstd payload declares 5000 bytes but raw_len is 5001");
    CHECK(error_of(decode_single_frame(frame_with(z + "junk", 5000))) ==
          "zstd payload has 4 bytes after its frame");
    CHECK(error_of(decode_single_frame(frame_with(z + zstd_compress(""), 5000))) ==
          std::string("zstd payload has ") + std::to_string(zstd_compress("").size()) +
              " bytes after its frame");
    CHECK(!decode_single_frame(frame_with("not zstd at all", 15)));

    // A frame without a content size (streaming compressor) cannot be bounded in advance.
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
    std::string streamed(ZSTD_compressBound(raw.size()), '\0');
    size_t n = ZSTD_compress2(cctx, streamed.data(), streamed.size(), raw.data(), raw.size());
    ZSTD_freeCCtx(cctx);
    REQUIRE(!ZSTD_isError(n));
    streamed.resize(n);
    CHECK(error_of(decode_single_frame(frame_with(streamed, 5000))) ==
          "zstd payload does not declare its content size");

    // A frame cut short but announced with a matching payload_len (no checksum is sent, so a
    // flipped bit inside a block may decode to other bytes: TCP and hashes catch those).
    const std::string cut = z.substr(0, z.size() - 3);
    FrameDecoder d;
    CHECK(contains(error_of(d.feed(frame_with(cut, 5000))), "corrupt zstd payload"));

    // The thread's kept decompression context carries nothing from a payload it refused: the
    // next frame, from this peer or another, decodes as on a fresh one.
    auto again = decode_single_frame(frame_with(z, 5000));
    REQUIRE(again);
    CHECK(again->payload == raw);
}

TEST_CASE("FrameDecoder stays failed after an error") {
    FrameDecoder d;
    REQUIRE(d.feed(*encode_frame(MsgType::ping, "")));
    CHECK(!d.feed(header(kMagic, 9, 10, 0, 0, 0, 0)));
    CHECK(d.buffered() == 0);
    auto again = d.feed(*encode_frame(MsgType::pong, ""));
    REQUIRE(!again);
    CHECK(again.error().code == Errc::protocol);
    // The frame completed before the error is still there; nothing after it.
    REQUIRE(d.has_frame());
    CHECK(d.pop().type == MsgType::ping);
    CHECK(!d.has_frame());
}

TEST_CASE("message type names") {
    int known = 0;
    for (int t = 0; t < 256; ++t) {
        const bool is_known = is_known_msg_type(static_cast<uint8_t>(t));
        known += is_known;
        CHECK(is_known == (std::string(msg_type_name(static_cast<MsgType>(t))) != "unknown"));
    }
    CHECK(known == 28);
    CHECK(std::string(msg_type_name(MsgType::job_request)) == "job_request");
    CHECK(std::string(msg_type_name(MsgType::ipc_shutdown)) == "ipc_shutdown");
}

TEST_CASE("a payload too long for the header is an error value, not an exception") {
    // 4 GiB + 1 of address space that is never touched: reserved, not allocated.
    const size_t size = size_t(1) << 32;
    void* map =
        ::mmap(nullptr, size + 1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    REQUIRE(map != MAP_FAILED);
    const std::string_view huge(static_cast<const char*>(map), size + 1);
    Result<std::string> bytes = encode_frame(MsgType::file_data, huge, 3);
    REQUIRE(!bytes);
    CHECK(bytes.error().code == Errc::protocol);
    CHECK(bytes.error().message ==
          "file_data: a payload of 4294967297 bytes does not fit in a frame");
    ::munmap(map, size + 1);
}
