// libFuzzer target: arbitrary bytes as a connection's stream. The same input fed in one piece
// and in irregular chunks must give the same frames and the same error, and every decoded
// frame must survive re-encoding.
#include "remote/protocol/frame.hpp"

#include <cstdlib>
#include <string_view>
#include <vector>

using namespace ferry::proto;

namespace {

// Small limits so the fuzzer reaches them (and a zstd bomb stays small).
constexpr Limits kLimits{1u << 16, 1u << 20};

void check(bool condition) {
    if (!condition) std::abort();
}

struct Outcome {
    std::vector<Frame> frames;
    bool failed = false;
    std::string error;
    size_t buffered = 0;
};

template <typename Feed> Outcome run(Feed&& feed) {
    FrameDecoder decoder(kLimits);
    Outcome out;
    auto r = feed(decoder);
    if (!r) {
        out.failed = true;
        out.error = r.error().message;
        // Stays failed.
        check(!decoder.feed("FRY1"));
    }
    out.buffered = decoder.buffered();
    while (decoder.has_frame())
        out.frames.push_back(decoder.pop());
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    Outcome whole = run([&](FrameDecoder& d) { return d.feed(input); });
    Outcome chunked = run([&](FrameDecoder& d) -> ferry::Result<void> {
        size_t step = 1;
        for (size_t pos = 0; pos < input.size(); pos += step, step = step * 5 % 23 + 1) {
            auto r = d.feed(input.substr(pos, step));
            if (!r) return r;
        }
        return ferry::ok();
    });

    check(whole.failed == chunked.failed);
    check(whole.error == chunked.error);
    check(whole.frames.size() == chunked.frames.size());
    if (!whole.failed) check(whole.buffered == chunked.buffered);
    for (size_t i = 0; i < whole.frames.size(); ++i) {
        const Frame& f = whole.frames[i];
        check(f.type == chunked.frames[i].type);
        check(f.payload == chunked.frames[i].payload);
        check(is_known_msg_type(static_cast<uint8_t>(f.type)));
        check(f.payload.size() <= kLimits.max_raw);
        for (int level : {0, 1}) {
            auto again = decode_single_frame(*encode_frame(f.type, f.payload, level));
            check(again && again->type == f.type && again->payload == f.payload);
        }
    }

    auto single = decode_single_frame(input, kLimits);
    check(static_cast<bool>(single) ==
          (!whole.failed && whole.frames.size() == 1 && whole.buffered == 0));
    if (single) check(single->payload == whole.frames[0].payload);
    return 0;
}
