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

std::string encode(const JobCancel& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, JobCancel& m) {
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

std::string encode(const ErrorMsg& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, ErrorMsg& m) {
    return detail::decode_message(payload, m);
}

} // namespace ferry::proto
