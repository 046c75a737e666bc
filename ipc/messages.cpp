// Coordinator IPC messages (wrapper <-> coordinator over the unix socket): each is encoded and
// decoded by its field list (messages.hpp, remote/protocol/codec.hpp); docs/protocol.md is
// the reference.
#include "ipc/messages.hpp"

#include "remote/protocol/codec.hpp"

namespace ferry::proto {

std::string encode(const IpcAcquireLocal& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, IpcAcquireLocal& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const IpcReleaseLocal& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, IpcReleaseLocal& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const IpcCompile& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, IpcCompile& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const IpcCompileResult& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, IpcCompileResult& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const IpcStatus& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, IpcStatus& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const IpcMemoRequest& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, IpcMemoRequest& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const IpcMemo& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, IpcMemo& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const IpcJobs& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, IpcJobs& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const IpcWatch& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, IpcWatch& m) {
    return detail::decode_message(payload, m);
}

std::string encode(const IpcJobEvent& m) {
    return detail::encode_message(m);
}
Result<void> decode(std::string_view payload, IpcJobEvent& m) {
    return detail::decode_message(payload, m);
}

} // namespace ferry::proto
