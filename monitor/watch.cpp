#include "monitor/watch.hpp"

#include <sys/socket.h>

namespace ferry::monitor {

std::optional<CoordinatorWatch> CoordinatorWatch::open(const config::Config& config,
                                                       const std::string& hosts_flag,
                                                       int timeout_ms) {
    auto client = ipc::CoordinatorClient::connect(config, hosts_flag, false);
    if (!client) return std::nullopt;
    // A frame that starts and never ends must not freeze the view (nor make it deaf to
    // Ctrl-C): a read that waits longer than this fails, and the watch with it.
    const timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(client->fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(client->fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (!client->watch(proto::IpcWatch{"", false})) return std::nullopt;
    CoordinatorWatch watch(std::move(*client));
    // The snapshot comes first: without it there is no table to show.
    auto first = watch.m_client.next_frame(timeout_ms);
    if (!first || !*first || (*first)->type != proto::MsgType::ipc_jobs || !watch.apply(**first))
        return std::nullopt;
    return watch;
}

bool CoordinatorWatch::apply(const proto::Frame& frame) {
    if (frame.type == proto::MsgType::ipc_jobs) {
        auto jobs = proto::decode_as<proto::IpcJobs>(frame);
        if (!jobs) return false;
        m_board.apply(std::move(*jobs));
    } else if (frame.type == proto::MsgType::ipc_job_event) {
        auto event = proto::decode_as<proto::IpcJobEvent>(frame);
        if (!event) return false;
        m_board.apply(*event);
    } else {
        return false;
    }
    m_heard = std::chrono::steady_clock::now();
    return true;
}

bool CoordinatorWatch::take_news() {
    for (;;) {
        auto frame = m_client.next_frame(0);
        if (!frame) return false;
        if (!*frame) return true;
        if (!apply(**frame)) return false;
    }
}

proto::IpcJobs CoordinatorWatch::view() const {
    proto::IpcJobs now = m_board.snapshot();
    const auto quiet = std::chrono::steady_clock::now() - m_heard;
    now.now_us +=
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(quiet).count());
    return now;
}

} // namespace ferry::monitor
