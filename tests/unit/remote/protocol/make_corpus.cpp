// Writes the fuzz seed corpus: valid frames (tests/fuzz/corpus/frame/) and message inputs
// (tests/fuzz/corpus/messages/: the MsgType value in one byte, then the payload).
// Usage: ferry_protocol_make_corpus <tests/fuzz/corpus>
#include "remote/protocol/messages.hpp"
#include "tests/unit/ipc/samples.hpp"
#include "tests/unit/remote/protocol/samples.hpp"
#include "util/fs.hpp"

#include <cstdio>

using namespace ferry;
using namespace ferry::proto;

namespace {

bool write(const std::string& dir, const std::string& name, const std::string& bytes) {
    auto made = make_dirs(dir);
    if (!made) {
        std::fprintf(stderr, "%s\n", made.error().message.c_str());
        return false;
    }
    auto r = write_file_atomic(join_path(dir, name), bytes);
    if (!r) std::fprintf(stderr, "%s\n", r.error().message.c_str());
    return static_cast<bool>(r);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
        return 2;
    }
    const std::string frames = join_path(argv[1], "frame");
    const std::string messages = join_path(argv[1], "messages");
    bool ok = true;
    std::string stream;
    auto write_sample = [&](const auto& msg) {
        const std::string name = msg_type_name(type_of(msg));
        const std::string payload = encode(msg);
        ok = write(messages, name, std::string(1, static_cast<char>(type_of(msg))) + payload) && ok;
        ok = write(frames, name, *frame(msg)) && ok;
        if (payload.size() >= 512) ok = write(frames, name + "_zstd", *frame(msg, 3)) && ok;
        stream += *frame(msg, 1);
    };
    samples::for_each_sample(write_sample);
    samples::for_each_ipc_sample(write_sample);
    for (MsgType empty : {MsgType::ping, MsgType::ipc_granted}) {
        ok = write(frames, msg_type_name(empty), *encode_frame(empty, "")) && ok;
        ok = write(messages, msg_type_name(empty), std::string(1, static_cast<char>(empty))) && ok;
    }
    ok = write(frames, "stream", stream) && ok;
    return ok ? 0 : 1;
}
