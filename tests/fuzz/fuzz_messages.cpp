// libFuzzer target: the first byte is a message type (its MsgType value; unknown values are
// skipped), the rest is decoded as that message's payload. The value rather than an index into
// the known types, so adding a message never changes what the committed seeds decode as. Decoding
// must not crash; when it succeeds the encoding is canonical, so re-encoding gives back the exact
// payload and decoding that gives an equal message.
#include "ipc/messages.hpp"
#include "remote/protocol/messages.hpp"

#include <cstdlib>
#include <string_view>

using namespace ferry::proto;

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

template <typename Msg> void round_trip(std::string_view payload) {
    Msg msg;
    if (!decode(payload, msg)) return;
    const std::string again = encode(msg);
    check(again == payload);
    Msg back;
    check(static_cast<bool>(decode(again, back)));
    check(back == msg);
    // Through a frame as well, as a peer would see it.
    auto f = decode_single_frame(*frame(msg, 1));
    check(f && f->type == type_of(msg));
    auto typed = decode_as<Msg>(*f);
    check(typed && *typed == msg);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0 || !is_known_msg_type(data[0])) return 0;
    const auto type = static_cast<MsgType>(data[0]);
    const std::string_view payload(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (type) {
    case MsgType::runner_hello:
        round_trip<RunnerHello>(payload);
        break;
    case MsgType::client_hello:
        round_trip<ClientHello>(payload);
        break;
    case MsgType::auth_proof:
        round_trip<AuthProof>(payload);
        break;
    case MsgType::job_request:
        round_trip<JobRequest>(payload);
        break;
    case MsgType::job_cancel:
        round_trip<JobCancel>(payload);
        break;
    case MsgType::need_files:
        round_trip<NeedFiles>(payload);
        break;
    case MsgType::file_data:
        round_trip<FileData>(payload);
        break;
    case MsgType::job_result:
        round_trip<JobResult>(payload);
        break;
    case MsgType::error:
        round_trip<ErrorMsg>(payload);
        break;
    case MsgType::stats:
        round_trip<Stats>(payload);
        break;
    case MsgType::ipc_acquire_local:
        round_trip<IpcAcquireLocal>(payload);
        break;
    case MsgType::ipc_compile:
        round_trip<IpcCompile>(payload);
        break;
    case MsgType::ipc_compile_result:
        round_trip<IpcCompileResult>(payload);
        break;
    case MsgType::ipc_status:
        round_trip<IpcStatus>(payload);
        break;
    case MsgType::ipc_memo_request:
        round_trip<IpcMemoRequest>(payload);
        break;
    case MsgType::ipc_memo:
        round_trip<IpcMemo>(payload);
        break;
    case MsgType::ipc_jobs:
        round_trip<IpcJobs>(payload);
        break;
    case MsgType::ipc_watch:
        round_trip<IpcWatch>(payload);
        break;
    case MsgType::ipc_job_event:
        round_trip<IpcJobEvent>(payload);
        break;
    case MsgType::ipc_release_local:
        round_trip<IpcReleaseLocal>(payload);
        break;
    case MsgType::ipc_jobs_request:
    case MsgType::ipc_granted:
    case MsgType::ipc_status_request:
    case MsgType::ipc_shutdown:
    case MsgType::ipc_speculation_used:
    case MsgType::stats_request:
    case MsgType::ping:
    case MsgType::pong: {
        check(has_empty_payload(type));
        const Frame f{type, std::string(payload)};
        check(static_cast<bool>(expect_empty(f, type)) == payload.empty());
        break;
    }
    }
    return 0;
}
