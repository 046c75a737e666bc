// dying_coordinator: plays a coordinator in the middle of being torn down, for
// test_fault_coordinator.sh. After a SIGKILL the kernel frees a process's memory before its
// files, so for a while the dead coordinator's listening socket still completes connects
// (into its backlog) and then resets each one. That window is long for a big sanitized
// process on a loaded machine and cannot be timed from a script; this tool opens it at will.
//
//   dying_coordinator --socket PATH --for MS
//
// Listens on the unix socket PATH and closes every connection it accepts at once, without
// reading (a request in flight makes the close a reset), for MS milliseconds; then removes
// PATH and exits, as the dead coordinator's socket would disappear. Prints one line per
// connection it reset, and "gone" at the end, on stdout.
#include "util/unix_socket.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

using ferry::Fd;

namespace {

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "dying_coordinator: %s\n", what.c_str());
    std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
    std::string path;
    long for_ms = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--socket")
            path = argv[i + 1];
        else if (flag == "--for")
            for_ms = std::strtol(argv[i + 1], nullptr, 10);
        else
            die("unknown option " + flag);
    }
    if (path.empty() || for_ms < 0) die("usage: dying_coordinator --socket PATH --for MS");

    ::unlink(path.c_str());
    auto listener = ferry::listen_unix(path, 64);
    if (!listener) die(listener.error().message);
    std::printf("listening\n");
    std::fflush(stdout);

    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(for_ms);
    int resets = 0;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            end - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{listener->get(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        Fd conn(::accept4(listener->get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!conn) continue;
        // Let the client's request arrive first, so the close resets it as a dead
        // coordinator's would (its backlog holds the connection and the request).
        pollfd c{conn.get(), POLLIN, 0};
        ::poll(&c, 1, 200);
        std::printf("reset %d\n", ++resets);
        std::fflush(stdout);
    }
    ::unlink(path.c_str());
    std::printf("gone\n");
    return 0;
}
