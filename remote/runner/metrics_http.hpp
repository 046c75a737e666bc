// The metrics port (`ferryd --metrics`): a tiny HTTP server for `GET /metrics`, one request
// per connection. It runs on the runner's own libuv loop: every step is a non-blocking read
// or write and a render of a few KiB, and everything a client can make it hold is bounded
// (the request head, the time to send it, the time to take the answer, the clients at once),
// so a hostile or slow scraper costs compile jobs nothing but a few microseconds of loop time.
// Peers outside --allow are answered 403 and closed before anything is read.
#pragma once

#include "event/handle.hpp"
#include "util/cidr.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <uv.h>
#include <vector>

namespace ferry::runner {

struct MetricsHttpLimits {
    size_t max_head_bytes = 8192;       // past this: 431 and close
    uint64_t request_timeout_ms = 5000; // the whole head must arrive by then (slowloris): 408
    uint64_t linger_ms = 2000;          // after the answer, for the client to read it and close
    size_t max_clients = 8;             // at once; one more is answered 503 and closed
};

class MetricsHttp {
  public:
    // Builds the exposition text; called once per successful GET.
    using Render = std::function<std::string()>;
    // Every answer's status code, for ferryd_metrics_responses_total.
    using Answered = std::function<void(int status)>;

    MetricsHttp(uv_loop_t* loop, std::vector<Cidr> allow, MetricsHttpLimits limits, Render render,
                Answered answered);
    ~MetricsHttp();
    MetricsHttp(const MetricsHttp&) = delete;
    MetricsHttp& operator=(const MetricsHttp&) = delete;

    // Takes over a bound, listening socket.
    Result<void> start(Fd listener, const std::string& name);
    size_t clients() const { return m_clients.size(); }

  private:
    class Client;
    friend class Client;

    void on_connection(uv_stream_t* listener);
    // Answers at once, without reading, and closes: the peer may see the answer or a reset.
    void turn_away(event::Handle<uv_tcp_t> tcp, int status);
    // The client is done: destroyed on the next loop iteration, never inside its callbacks.
    void retire(uint64_t id);
    void reap();

    uv_loop_t* m_loop;
    std::vector<Cidr> m_allow;
    MetricsHttpLimits m_limits;
    Render m_render;
    Answered m_answered;
    event::Handle<uv_tcp_t> m_listener;
    event::Handle<uv_idle_t> m_reaper;
    std::map<uint64_t, std::unique_ptr<Client>> m_clients;
    std::vector<std::unique_ptr<Client>> m_dead;
    uint64_t m_last_id = 0;
};

} // namespace ferry::runner
