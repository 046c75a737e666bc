// The server on a real loopback socket, its limits made small so that each one trips fast.
#include "monitor/web/http_server.hpp"
#include "monitor/web/sse.hpp"
#include "tests/unit/support/skip.hpp"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace ferry;
using namespace ferry::monitor::web;

namespace {

Router stream_router() {
    return [](const http::RequestHead& r) -> Reply {
        if (r.path == "/events") return {"HTTP/1.1 200 OK\r\n\r\n", true};
        return {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false};
    };
}

Fd connect_to(uint16_t port, int rcvbuf = 0) {
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (rcvbuf) ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    return fd;
}

void send_text(const Fd& fd, std::string_view text) {
    REQUIRE(::send(fd.get(), text.data(), text.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(text.size()));
}

// One turn of the caller's loop.
void turn(HttpServer& server, int timeout_ms = 20) {
    std::vector<pollfd> fds;
    server.add_pollfds(fds);
    ::poll(fds.data(), fds.size(), timeout_ms);
    server.on_ready(fds, 0);
    server.tick();
}

std::string read_some(const Fd& fd) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return {};
    char buf[4096];
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

ListenAddress loopback() {
    return *parse_listen_address("127.0.0.1:0");
}

} // namespace

TEST_CASE("a request gets its answer and the connection closes") {
    auto server = HttpServer::listen(loopback(), stream_router());
    REQUIRE(server);
    Fd client = connect_to(server->port());
    send_text(client, "GET / HTTP/1.1\r\n\r\n");
    for (int i = 0; i < 10; ++i)
        turn(*server);
    CHECK(read_some(client).find("\r\n\r\nok") != std::string::npos);
    CHECK(server->connections() == 0);
}

TEST_CASE("an IPv6 address serves over IPv6") {
    auto where = parse_listen_address("[::1]:0");
    REQUIRE(where);
    auto server = HttpServer::listen(*where, stream_router());
    // Only a machine without IPv6 loopback may go without this (never under FERRY_NO_SKIP).
    if (test::skip_unless(bool(server), "no IPv6 loopback")) return;
    Fd client(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(server->port());
    a.sin6_addr = in6addr_loopback;
    REQUIRE(::connect(client.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    send_text(client, "GET / HTTP/1.1\r\n\r\n");
    for (int i = 0; i < 10; ++i)
        turn(*server);
    CHECK(read_some(client).find("\r\n\r\nok") != std::string::npos);
}

TEST_CASE("a head that does not finish in time gets 408 and is dropped") {
    ServerLimits limits;
    limits.head_timeout = std::chrono::milliseconds(100);
    auto server = HttpServer::listen(loopback(), stream_router(), limits);
    REQUIRE(server);
    Fd client = connect_to(server->port());
    send_text(client, "GET / HTTP/1.1\r\nX-Slow: ");
    for (int i = 0; i < 20; ++i)
        turn(*server);
    CHECK(read_some(client).rfind("HTTP/1.1 408", 0) == 0);
    CHECK(server->connections() == 0);
}

TEST_CASE("connections beyond the cap are refused with 503") {
    ServerLimits limits;
    limits.max_connections = 2;
    auto server = HttpServer::listen(loopback(), stream_router(), limits);
    REQUIRE(server);
    Fd a = connect_to(server->port()), b = connect_to(server->port()),
       c = connect_to(server->port());
    for (int i = 0; i < 5; ++i)
        turn(*server);
    CHECK(server->connections() == 2);
    CHECK(read_some(c).rfind("HTTP/1.1 503", 0) == 0);
}

TEST_CASE("a stream that is not read is dropped when its backlog passes the bound") {
    ServerLimits limits;
    limits.max_stream_backlog = 64 * 1024;
    auto server = HttpServer::listen(loopback(), stream_router(), limits);
    REQUIRE(server);
    Fd reader = connect_to(server->port(), 4096);
    Fd idle = connect_to(server->port(), 4096);
    send_text(reader, "GET /events HTTP/1.1\r\n\r\n");
    send_text(idle, "GET /events HTTP/1.1\r\n\r\n");
    for (int i = 0; i < 5; ++i)
        turn(*server);
    REQUIRE(server->streams() == 2);
    const std::string event = sse_message("job", std::string(1000, 'x'));
    size_t sent = 0;
    for (; sent < 5000 && server->streams() == 2; ++sent) {
        server->broadcast(event);
        char buf[65536]; // `reader` keeps up, `idle` never reads
        while (::recv(reader.get(), buf, sizeof buf, MSG_DONTWAIT) > 0) {
        }
        turn(*server, 0);
    }
    // Dropped once the kernel's buffers (loopback send buffers grow to a few MiB) and then
    // the backlog bound were full: before the 5 MB this loop offers at most.
    CHECK(server->streams() == 1);
    CHECK(sent < 5000);
}
