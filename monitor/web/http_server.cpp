#include "monitor/web/http_server.hpp"

#include "monitor/web/http_response.hpp"
#include "monitor/web/sse.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace ferry::monitor::web {

HttpServer::HttpServer(Fd listener, uint16_t port, Router router, ServerLimits limits)
    : m_listener(std::move(listener)), m_port(port), m_router(std::move(router)), m_limits(limits),
      m_next_heartbeat(Clock::now() + limits.heartbeat) {}

Result<HttpServer> HttpServer::listen(const ListenAddress& where, Router router,
                                      ServerLimits limits) {
    Fd fd(::socket(where.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) return errno_error("socket", errno);
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const auto* addr = reinterpret_cast<const sockaddr*>(&where.addr);
    if (::bind(fd.get(), addr, where.addr_len) != 0)
        return errno_error(fmt::format("bind {}:{}", where.host, where.port), errno);
    if (::listen(fd.get(), 128) != 0) return errno_error("listen", errno);
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &len) != 0)
        return errno_error("getsockname", errno);
    const uint16_t port = bound.ss_family == AF_INET6
                              ? reinterpret_cast<const sockaddr_in6&>(bound).sin6_port
                              : reinterpret_cast<const sockaddr_in&>(bound).sin_port;
    return HttpServer(std::move(fd), ntohs(port), std::move(router), limits);
}

size_t HttpServer::streams() const {
    return static_cast<size_t>(std::count_if(m_conns.begin(), m_conns.end(), [](const Conn& c) {
        return c.mode == Mode::streaming && !c.dead;
    }));
}

void HttpServer::add_pollfds(std::vector<pollfd>& fds) const {
    fds.push_back({m_listener.get(), POLLIN, 0});
    for (const auto& c : m_conns) {
        short events = c.mode == Mode::replying ? 0 : POLLIN;
        if (c.sent < c.out.size()) events |= POLLOUT;
        fds.push_back({c.fd.get(), events, 0});
    }
}

void HttpServer::on_ready(const std::vector<pollfd>& fds, size_t first) {
    // Connections first (their indices match the vector add_pollfds built), then accept, which
    // appends to m_conns.
    for (size_t i = 0; i < m_conns.size() && first + 1 + i < fds.size(); ++i) {
        Conn& c = m_conns[i];
        short got = fds[first + 1 + i].revents;
        if (got & (POLLERR | POLLNVAL)) c.dead = true;
        if (!c.dead && (got & (POLLIN | POLLHUP))) read_from(c);
        if (!c.dead && (got & POLLOUT)) write_to(c);
    }
    reap();
    if (fds[first].revents & POLLIN) accept_all();
}

void HttpServer::accept_all() {
    for (;;) {
        Fd fd(::accept4(m_listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) return; // EAGAIN, or a transient error (EMFILE...): try at the next wakeup
        if (m_conns.size() >= m_limits.max_connections) {
            // Refused at once rather than left in the backlog, so a flood cannot hold the
            // kernel queue that a real browser needs.
            std::string busy = error_response(503);
            (void)!::send(fd.get(), busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            continue;
        }
        Conn c;
        c.fd = std::move(fd);
        c.deadline = Clock::now() + m_limits.head_timeout;
        m_conns.push_back(std::move(c));
    }
}

void HttpServer::read_from(Conn& c) {
    char buf[4096];
    for (;;) {
        ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
        if (n == 0) {
            // A client that half-closes after its request still gets its answer; one that
            // leaves mid-head or mid-stream is gone.
            if (c.mode != Mode::replying) c.dead = true;
            return;
        }
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) c.dead = true;
            return;
        }
        // A stream's client has nothing to say: drain what it sends, a bounded amount per
        // wakeup so that it cannot keep the loop here.
        if (c.mode != Mode::reading) return;
        c.in.append(buf, static_cast<size_t>(n));
        http::RequestHead head = http::parse_request_head(c.in);
        if (head.state == http::RequestHead::State::incomplete) continue; // 431 past the cap
        std::string().swap(c.in);
        if (head.state == http::RequestHead::State::error) {
            reply(c, error_response(head.error_status), false);
            return;
        }
        Reply r = m_router(head);
        reply(c, r.bytes, r.stream);
        return;
    }
}

void HttpServer::reply(Conn& c, const std::string& bytes, bool stream) {
    c.mode = stream ? Mode::streaming : Mode::replying;
    c.deadline = Clock::now() + m_limits.reply_timeout;
    queue(c, bytes);
    write_to(c);
}

void HttpServer::queue(Conn& c, const std::string& bytes) {
    if (c.sent > 0 && c.sent >= c.out.size() / 2) {
        c.out.erase(0, c.sent);
        c.sent = 0;
    }
    c.out += bytes;
}

void HttpServer::write_to(Conn& c) {
    while (c.sent < c.out.size()) {
        ssize_t n = ::send(c.fd.get(), c.out.data() + c.sent, c.out.size() - c.sent,
                           MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) c.dead = true;
            return;
        }
        c.sent += static_cast<size_t>(n);
    }
    c.out.clear();
    c.sent = 0;
    if (c.mode == Mode::replying) c.dead = true; // one request per connection
}

void HttpServer::broadcast(const std::string& bytes) {
    for (auto& c : m_conns) {
        if (c.mode != Mode::streaming || c.dead) continue;
        if (c.out.size() - c.sent + bytes.size() > m_limits.max_stream_backlog) {
            c.dead = true; // a reader this far behind would only see stale news
            continue;
        }
        queue(c, bytes);
        write_to(c);
    }
    // Dead connections are reaped in on_ready() and tick(), never here: the caller may be
    // between add_pollfds() and on_ready(), whose indices must stay valid.
}

int HttpServer::tick() {
    auto now = Clock::now();
    if (now >= m_next_heartbeat) {
        m_next_heartbeat = now + m_limits.heartbeat;
        broadcast(sse_heartbeat());
    }
    auto next = m_next_heartbeat;
    for (auto& c : m_conns) {
        if (c.mode == Mode::streaming) continue; // heartbeats and the backlog bound it
        if (now >= c.deadline) {
            if (c.mode == Mode::reading) {
                c.mode = Mode::replying; // answered once, best effort, then closed
                std::string late = error_response(408);
                (void)!::send(c.fd.get(), late.data(), late.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            }
            c.dead = true;
        } else {
            next = std::min(next, c.deadline);
        }
    }
    reap();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count();
    return static_cast<int>(std::clamp<long long>(ms + 1, 0, 60000));
}

void HttpServer::reap() {
    std::erase_if(m_conns, [](const Conn& c) { return c.dead; });
}

} // namespace ferry::monitor::web
