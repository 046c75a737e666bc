// For unit tests that play the coordinator on a real unix socket (the coordinator client's,
// the build report's watch): a private runtime directory, so a test never meets a real
// coordinator, the socket path a client of `config` looks for there, and a blocking send.
#pragma once

#include "config/hosts.hpp"
#include "ipc/paths.hpp"
#include "remote/protocol/frame.hpp"
#include "util/fd.hpp"
#include "util/temp_dir.hpp"
#include "util/unix_socket.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <string>
#include <sys/socket.h>
#include <utility>

namespace ferry::test {

struct FakeRuntime {
    TempDir tmp;
    config::Config config;
    std::string socket;

    explicit FakeRuntime(const char* prefix = "ferry-fake-coordinator")
        : tmp(std::move(*TempDir::create("/tmp", prefix))) {
        ::setenv("XDG_RUNTIME_DIR", tmp.path().c_str(), 1);
        config.fingerprint = "0123456789abcdef0123456789abcdef";
        auto dir = ipc::runtime_dir();
        REQUIRE(dir);
        socket = ipc::socket_path(*dir, config);
    }

    // The coordinator's listening socket, where clients of `config` connect.
    Fd listen(int backlog = 8) const {
        auto fd = listen_unix(socket, backlog);
        REQUIRE(fd);
        return std::move(*fd);
    }
};

// Sends all of `data` unless the peer is gone (then the test sees what the peer saw).
inline void send_all(int fd, const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n <= 0) return;
        off += static_cast<size_t>(n);
    }
}

// Accepts a connection and reads its first frame (a watcher's ipc_watch).
inline Fd accept_watch(int listener) {
    Fd conn(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
    proto::FrameDecoder decoder;
    char buf[4096];
    while (conn && !decoder.has_frame()) {
        ssize_t n = ::recv(conn.get(), buf, sizeof buf, 0);
        if (n <= 0 || !decoder.feed(std::string_view(buf, size_t(n)))) break;
    }
    return conn;
}

} // namespace ferry::test
