#include "remote/probe/runner_session.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ferry::probe {

namespace {

using Clock = std::chrono::steady_clock;

// What is left of a deadline for poll(): -1 for none, 0 once it has passed.
int remaining_ms(std::optional<Clock::time_point> deadline) {
    if (!deadline) return -1;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
    return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

std::optional<Clock::time_point> deadline_in(int timeout_ms) {
    if (timeout_ms < 0) return std::nullopt;
    return Clock::now() + std::chrono::milliseconds(timeout_ms);
}

// Waits for `events` on fd until the deadline; Errc::timeout when it passes.
Result<void> wait_for(int fd, short events, std::optional<Clock::time_point> deadline,
                      std::string_view what) {
    for (;;) {
        pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, remaining_ms(deadline));
        if (n > 0) return ok();
        if (n == 0) return make_error(Errc::timeout, "{}: no answer in time", what);
        if (errno != EINTR) return errno_error(what, errno);
    }
}

Result<Fd> connect_one(const addrinfo& ai, std::optional<Clock::time_point> deadline,
                       const std::string& what) {
    Fd fd(::socket(ai.ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) return errno_error("socket", errno);
    if (::connect(fd.get(), ai.ai_addr, ai.ai_addrlen) != 0) {
        if (errno != EINPROGRESS) {
            Error e = errno_error("connect " + what, errno);
            e.code = Errc::unavailable;
            return e;
        }
        if (auto waited = wait_for(fd.get(), POLLOUT, deadline, "connect " + what); !waited)
            return make_error(Errc::timeout, "connect {}: no answer in time", what);
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            Error e = errno_error("connect " + what, err);
            e.code = Errc::unavailable;
            return e;
        }
    }
    return fd;
}

} // namespace

proto::Limits greeting_limits() {
    proto::Limits limits;
    limits.max_payload = 1u << 20;
    limits.max_raw = 1u << 20;
    limits.allow_compressed = false;
    return limits;
}

Result<RunnerSession> RunnerSession::connect(const std::string& host, uint16_t port,
                                             int timeout_ms) {
    const auto deadline = deadline_in(timeout_ms);
    const std::string what = host.find(':') != std::string::npos
                                 ? "[" + host + "]:" + std::to_string(port)
                                 : host + ":" + std::to_string(port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    // A name is resolved by the system resolver, whose own timeouts bound this step.
    if (int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0)
        return make_error(Errc::invalid, "resolve {}: {}", host, ::gai_strerror(rc));
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owner(found, &::freeaddrinfo);
    Error last{Errc::unavailable, "connect " + what + ": no address"};
    for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
        auto fd = connect_one(*ai, deadline, what);
        if (fd) return RunnerSession(std::move(*fd), greeting_limits());
        last = fd.error();
        if (last.code == Errc::timeout) break;
    }
    return last;
}

RunnerSession RunnerSession::adopt(Fd fd, proto::Limits limits) {
    if (int flags = ::fcntl(fd.get(), F_GETFL); flags >= 0)
        ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
    return RunnerSession(std::move(fd), limits);
}

Result<void> RunnerSession::send_raw(std::string_view bytes, int timeout_ms) {
    const auto deadline = deadline_in(timeout_ms);
    while (!bytes.empty()) {
        ssize_t n = ::send(m_fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                FERRY_TRY_VOID(wait_for(m_fd.get(), POLLOUT, deadline, "send"));
                continue;
            }
            Error e = errno_error("send", errno);
            e.code = Errc::unavailable;
            return e;
        }
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return ok();
}

std::optional<uint8_t> RunnerSession::peer_frame_version() const {
    if (m_first_bytes.size() <= sizeof proto::kMagic ||
        m_first_bytes.compare(0, sizeof proto::kMagic, proto::kMagic, sizeof proto::kMagic) != 0)
        return std::nullopt;
    return static_cast<uint8_t>(m_first_bytes[sizeof proto::kMagic]);
}

Result<std::optional<proto::Frame>> RunnerSession::receive(int timeout_ms) {
    const auto deadline = deadline_in(timeout_ms);
    char buf[65536];
    for (;;) {
        auto next = m_decoder.next();
        if (!next) return Error{Errc::protocol, next.error().message};
        if (*next) return std::move(*next);
        ssize_t n = ::recv(m_fd.get(), buf, sizeof buf, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                FERRY_TRY_VOID(wait_for(m_fd.get(), POLLIN, deadline, "receive"));
                continue;
            }
            Error e = errno_error("recv", errno);
            e.code = Errc::unavailable;
            return e;
        }
        if (n == 0) return std::optional<proto::Frame>{};
        if (m_first_bytes.size() < sizeof proto::kMagic + 1)
            m_first_bytes.append(buf, std::min(static_cast<size_t>(n),
                                               sizeof proto::kMagic + 1 - m_first_bytes.size()));
        if (auto added = m_decoder.append({buf, static_cast<size_t>(n)}); !added)
            return Error{Errc::protocol, added.error().message};
    }
}

} // namespace ferry::probe
