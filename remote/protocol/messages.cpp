// Runner protocol messages (coordinator <-> ferryd): each is encoded and decoded by its
// field list (messages.hpp, remote/protocol/codec.hpp); docs/protocol.md is the reference.
#include "remote/protocol/messages.hpp"

#include "remote/protocol/codec.hpp"

namespace ferry::proto {

std::string encode(const RunnerHello& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, RunnerHello& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const ClientHello& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, ClientHello& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const AuthProof& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, AuthProof& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const JobRequest& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, JobRequest& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const NeedFiles& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, NeedFiles& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const FileData& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, FileData& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const JobResult& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, JobResult& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const ErrorMsg& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, ErrorMsg& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const Stats& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, Stats& m) {
    return detail::decode_message(payload, m);
}

Result<uint64_t> peek_job_id(std::string_view job_request_payload) {
    Reader r(job_request_payload);
    auto id = r.u64();
    if (!id) return make_error(Errc::protocol, "job_request: {}", id.error().message);
    return *id;
}

// ---- messages without a payload ----

bool has_empty_payload(MsgType type) {
    switch (type) {
    case MsgType::ipc_granted:
    case MsgType::ipc_release_local:
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
