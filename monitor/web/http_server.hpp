// A small non-blocking HTTP/1.1 server for the dashboard, driven by poll(2) from the caller's
// loop (which also waits on the coordinator's socket and the signals). One request per
// connection; a route either answers and closes or turns the connection into an event stream
// that broadcast() feeds. Every resource a browser — or an attacker — can make it hold is
// bounded: the head's size and time, the number of connections, each stream's backlog.
// poll(2) rather than libuv: the coordinator client is a blocking descriptor made for poll,
// there are at most a few dozen sockets, and no handle needs a close callback to die.
#pragma once

#include "monitor/web/listen_address.hpp"
#include "util/fd.hpp"
#include "util/http/request_head.hpp"
#include "util/result.hpp"

#include <chrono>
#include <functional>
#include <poll.h>
#include <string>
#include <vector>

namespace ferry::monitor::web {

struct ServerLimits {
    size_t max_connections = 64;
    std::chrono::milliseconds head_timeout{5000};   // slowloris: the whole head within this
    std::chrono::milliseconds reply_timeout{10000}; // a plain reply fully read within this
    size_t max_stream_backlog = 1 << 20;            // unsent stream bytes before a drop
    std::chrono::milliseconds heartbeat{15000};
};

// What a route answers: the bytes to send, and whether the connection then stays open as an
// event stream.
struct Reply {
    std::string bytes;
    bool stream = false;
};
using Router = std::function<Reply(const http::RequestHead&)>;

class HttpServer {
  public:
    static Result<HttpServer> listen(const ListenAddress& where, Router router,
                                     ServerLimits limits = {});

    uint16_t port() const { return m_port; }
    size_t connections() const { return m_conns.size(); }
    size_t streams() const;

    // Appends the descriptors to wait on; then pass the same vector from `first` to
    // on_ready() after poll.
    void add_pollfds(std::vector<pollfd>& fds) const;
    void on_ready(const std::vector<pollfd>& fds, size_t first);
    // Deadlines and heartbeats: call after every poll; returns the next poll timeout (ms).
    int tick();
    // Queues an event-stream message for every stream; a stream that is too far behind is
    // dropped here.
    void broadcast(const std::string& bytes);

  private:
    enum class Mode { reading, replying, streaming };
    struct Conn {
        Fd fd;
        Mode mode = Mode::reading;
        std::string in;
        std::string out;
        size_t sent = 0;
        std::chrono::steady_clock::time_point deadline;
        bool dead = false;
    };
    using Clock = std::chrono::steady_clock;

    HttpServer(Fd listener, uint16_t port, Router router, ServerLimits limits);
    void accept_all();
    void read_from(Conn& c);
    void write_to(Conn& c);
    void reply(Conn& c, const std::string& bytes, bool stream);
    void queue(Conn& c, const std::string& bytes);
    void reap();

    Fd m_listener;
    uint16_t m_port = 0;
    Router m_router;
    ServerLimits m_limits;
    std::vector<Conn> m_conns;
    Clock::time_point m_next_heartbeat;
};

} // namespace ferry::monitor::web
