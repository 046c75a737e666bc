#include "monitor/web/dashboard.hpp"

#include "config/hosts.hpp"
#include "ipc/coordinator_client.hpp"
#include "monitor/board.hpp"
#include "monitor/web/routes.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <sys/signalfd.h>
#include <unistd.h>

namespace ferry::monitor::web {
namespace {

void say(const std::string& line) {
    std::fprintf(stderr, "ferry mon: %s\n", line.c_str());
}

// SIGINT/SIGTERM as a readable descriptor, so the poll loop ends cleanly: the sockets close
// through their owners and the coordinator sees the watcher leave.
Result<Fd> signal_fd() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) return errno_error("sigprocmask", errno);
    Fd fd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd) return errno_error("signalfd", errno);
    return fd;
}

enum class Relay { ok, closed };

// One frame from the coordinator: into the board, and to the pages if any is open (the
// JSON is built only then: an unwatched dashboard costs a decode per event).
Relay relay(ipc::CoordinatorClient& coordinator, Board& board, HttpServer& server) {
    auto frame = coordinator.next_frame(0);
    if (!frame) {
        say("lost the coordinator: " + frame.error().message);
        return Relay::closed;
    }
    if (!*frame) return Relay::ok;
    const proto::Frame& f = **frame;
    if (f.type == proto::MsgType::ipc_jobs) {
        auto jobs = proto::decode_as<proto::IpcJobs>(f);
        if (!jobs) {
            say("bad snapshot from the coordinator: " + jobs.error().message);
            return Relay::closed;
        }
        board.apply(std::move(*jobs));
        if (server.streams() > 0) server.broadcast(snapshot_message(board.snapshot()));
    } else if (f.type == proto::MsgType::ipc_job_event) {
        auto event = proto::decode_as<proto::IpcJobEvent>(f);
        if (!event) {
            say("bad event from the coordinator: " + event.error().message);
            return Relay::closed;
        }
        board.apply(*event);
        if (server.streams() > 0) server.broadcast(job_message(*event));
    }
    return Relay::ok;
}

} // namespace

int dashboard_command(const std::string& hosts_flag, const std::string& listen_spec) {
    auto where = parse_listen_address(listen_spec);
    if (!where) {
        say(where.error().message);
        return 2;
    }
    auto config = config::load(config::options_from_environment(hosts_flag));
    if (!config) {
        say(config.error().message);
        return 1;
    }
    // Never start a coordinator: a dashboard of an idle, empty one would keep it alive.
    auto coordinator = ipc::CoordinatorClient::connect(*config, hosts_flag, false);
    if (!coordinator) {
        say("no coordinator is running (start a build through ferry first): " +
            coordinator.error().message);
        return 1;
    }
    if (auto watching = coordinator->watch(proto::IpcWatch{"", false}); !watching) {
        say("cannot watch the coordinator: " + watching.error().message);
        return 1;
    }
    auto signals = signal_fd();
    if (!signals) {
        say(signals.error().message);
        return 1;
    }
    Board board;
    auto server = HttpServer::listen(*where, dashboard_router(board));
    if (!server) {
        say(server.error().message);
        return 1;
    }
    say(fmt::format("dashboard at http://{}:{}/ (Ctrl-C to stop)", where->host, server->port()));

    std::vector<pollfd> fds;
    for (;;) {
        const int timeout = server->tick();
        fds.clear();
        fds.push_back({signals->get(), POLLIN, 0});
        fds.push_back({coordinator->fd(), POLLIN, 0});
        server->add_pollfds(fds);
        if (::poll(fds.data(), fds.size(), timeout) < 0) {
            if (errno == EINTR) continue;
            say(fmt::format("poll: {}", std::strerror(errno)));
            return 1;
        }
        if (fds[0].revents & POLLIN) return 0;
        // The server first: its indices in `fds` hold until it reaps.
        server->on_ready(fds, 2);
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (relay(*coordinator, board, *server) == Relay::closed) return 1;
        }
    }
}

} // namespace ferry::monitor::web
