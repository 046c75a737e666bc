#include "remote/runner/metrics_http.hpp"

#include "event/write.hpp"
#include "remote/runner/peer.hpp"
#include "remote/runner/prometheus_text.hpp"
#include "util/http/request_head.hpp"
#include "util/http/response.hpp"
#include "util/log.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace ferry::runner {

static constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";

class MetricsHttp::Client {
  public:
    Client(MetricsHttp& server, uint64_t id, event::Handle<uv_tcp_t> tcp)
        : m_server(server), m_id(id), m_tcp(std::move(tcp)) {
        m_tcp.get()->data = this;
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    void start();

  private:
    void on_read(ssize_t nread);
    void on_timer();
    Result<void> arm_timer(uint64_t ms);
    void handle(const http::RequestHead& head);
    // Sends a whole response (its status counted) and closes after it.
    void answer(std::string response, int status);
    void done() { m_server.retire(m_id); }

    MetricsHttp& m_server;
    uint64_t m_id;
    event::Handle<uv_tcp_t> m_tcp;
    event::Handle<uv_timer_t> m_timer; // the request deadline, then the linger after answering
    std::array<char, 2048> m_buffer{};
    std::string m_head;
    bool m_answered = false;
};

void MetricsHttp::Client::start() {
    uv_loop_t* loop = m_tcp.get()->loop;
    // Without its deadline a client could hold its slot for ever: it is dropped instead.
    auto timer = event::Handle<uv_timer_t>::create(
        "uv_timer_init", this, [loop](uv_timer_t* t) { return uv_timer_init(loop, t); });
    if (!timer) {
        log::warning("metrics: {}", timer.error().message);
        return done();
    }
    m_timer = std::move(*timer);
    if (auto armed = arm_timer(m_server.m_limits.request_timeout_ms); !armed) {
        log::warning("metrics: {}", armed.error().message);
        return done();
    }
    int rc = uv_read_start(
        m_tcp.stream(),
        [](uv_handle_t* h, size_t, uv_buf_t* buf) {
            Client* c = event::owner_of<Client>(h);
            *buf = c ? uv_buf_init(c->m_buffer.data(), static_cast<unsigned>(c->m_buffer.size()))
                     : uv_buf_init(nullptr, 0);
        },
        [](uv_stream_t* s, ssize_t n, const uv_buf_t*) {
            if (Client* c = event::owner_of<Client>(s)) c->on_read(n);
        });
    if (rc != 0) done();
}

void MetricsHttp::Client::on_timer() {
    if (m_answered) return done(); // it had its time to read the answer
    answer(http::error_response(408), 408);
}

void MetricsHttp::Client::on_read(ssize_t nread) {
    if (nread < 0) return done(); // closed or reset: nothing more to say to it
    // After the answer, what still comes is read and dropped: closing with unread bytes makes
    // the kernel send a reset, which can destroy the answer before the client reads it.
    if (m_answered || nread == 0) return;
    // Keep at most one byte past the cap: enough to know the head is too large.
    const size_t max = m_server.m_limits.max_head_bytes;
    const size_t room = m_head.size() <= max ? max + 1 - m_head.size() : 0;
    m_head.append(m_buffer.data(), std::min(static_cast<size_t>(nread), room));
    // The head can only have ended (or gone wrong) in a piece with a line end in it: a client
    // sending a byte at a time does not make us scan its head a thousand times.
    const bool line_end = std::memchr(m_buffer.data(), '\n', static_cast<size_t>(nread));
    if (!line_end && m_head.size() <= max) return;
    http::RequestHead head = http::parse_request_head(m_head, max);
    switch (head.state) {
    case http::RequestHead::State::complete:
        return handle(head);
    case http::RequestHead::State::error:
        return answer(http::error_response(head.error_status), head.error_status);
    case http::RequestHead::State::incomplete:
        return;
    }
}

void MetricsHttp::Client::handle(const http::RequestHead& head) {
    const bool is_head = head.method == "HEAD"; // the parser lets only GET and HEAD through
    if (head.path != "/metrics")
        return answer(
            http::response(404, kTextPlain, "ferryd: the metrics are at /metrics\n", is_head), 404);
    answer(http::response(200, prom::kContentType, m_server.m_render(), is_head), 200);
}

void MetricsHttp::Client::answer(std::string response, int status) {
    m_answered = true;
    m_head.clear();
    m_head.shrink_to_fit();
    m_server.m_answered(status);
    if (!event::write_string(m_tcp.stream(), std::move(response))) return done();
    // FIN after the answer; the request frees itself, also if the handle closes first.
    if (!event::shutdown_stream(m_tcp.stream())) return done();
    // A client that neither reads nor closes is dropped after the linger time; the answer is
    // at most a few KiB, so its unsent part is all it can make us hold.
    if (!arm_timer(m_server.m_limits.linger_ms)) return done();
}

Result<void> MetricsHttp::Client::arm_timer(uint64_t ms) {
    return event::start_timer(m_timer, &event::timer_trampoline<Client, &Client::on_timer>, ms, 0);
}

MetricsHttp::MetricsHttp(uv_loop_t* loop, std::vector<Cidr> allow, MetricsHttpLimits limits,
                         Render render, Answered answered)
    : m_loop(loop), m_allow(std::move(allow)), m_limits(limits), m_render(std::move(render)),
      m_answered(std::move(answered)) {}

MetricsHttp::~MetricsHttp() {
    m_clients.clear();
    m_dead.clear();
}

Result<void> MetricsHttp::start(Fd listener, const std::string& name) {
    FERRY_TRY(reaper, event::Handle<uv_idle_t>::create("uv_idle_init", this, [this](uv_idle_t* h) {
                  return uv_idle_init(m_loop, h);
              }));
    m_reaper = std::move(*reaper);
    FERRY_TRY(tcp, event::Handle<uv_tcp_t>::create("uv_tcp_init", this, [this](uv_tcp_t* t) {
                  return uv_tcp_init(m_loop, t);
              }));
    m_listener = std::move(*tcp);
    if (int rc = uv_tcp_open(m_listener.get(), listener.get()); rc != 0)
        return make_error(Errc::io, "metrics on {}: {}", name, uv_strerror(rc));
    listener.release(); // the handle owns the socket now
    int rc = uv_listen(m_listener.stream(), 16, [](uv_stream_t* s, int status) {
        auto* self = event::owner_of<MetricsHttp>(s);
        if (!self) return;
        if (status != 0) {
            log::warning("metrics: accept: {}", uv_strerror(status));
            return;
        }
        self->on_connection(s);
    });
    if (rc != 0) return make_error(Errc::io, "metrics on {}: {}", name, uv_strerror(rc));
    return ok();
}

void MetricsHttp::on_connection(uv_stream_t* listener) {
    auto accepted = event::accept_tcp(listener);
    if (!accepted) return log::warning("metrics: accept: {}", accepted.error().message);
    event::Handle<uv_tcp_t> tcp = std::move(*accepted);
    sockaddr_storage addr{};
    int len = sizeof addr;
    auto* peer = reinterpret_cast<sockaddr*>(&addr);
    if (uv_tcp_getpeername(tcp.get(), peer, &len) != 0) return;
    // The same rule as the job port: --allow (loopback by default) says who may see the
    // counters too, and nothing else is read from anyone else.
    if (!peer_allowed(m_allow, peer)) {
        log::debug("metrics: refused {}: not in --allow", address_to_string(peer));
        return turn_away(std::move(tcp), 403);
    }
    if (m_clients.size() >= m_limits.max_clients) return turn_away(std::move(tcp), 503);
    uint64_t id = ++m_last_id;
    auto client = std::make_unique<Client>(*this, id, std::move(tcp));
    Client* c = client.get();
    m_clients.emplace(id, std::move(client));
    c->start();
}

void MetricsHttp::turn_away(event::Handle<uv_tcp_t> tcp, int status) {
    m_answered(status);
    // One try into an empty send buffer: no waiting and nothing kept for this peer.
    std::string bytes = http::error_response(status);
    uv_buf_t buf = uv_buf_init(bytes.data(), static_cast<unsigned>(bytes.size()));
    uv_try_write(tcp.stream(), &buf, 1);
    // `tcp` closes as it goes out of scope.
}

void MetricsHttp::retire(uint64_t id) {
    auto it = m_clients.find(id);
    if (it == m_clients.end()) return;
    m_dead.push_back(std::move(it->second));
    m_clients.erase(it);
    if (!m_reaper || m_reaper.active()) return;
    uv_idle_start(m_reaper.get(), [](uv_idle_t* h) {
        uv_idle_stop(h);
        if (auto* self = event::owner_of<MetricsHttp>(h)) self->reap();
    });
}

void MetricsHttp::reap() {
    m_dead.clear();
}

} // namespace ferry::runner
