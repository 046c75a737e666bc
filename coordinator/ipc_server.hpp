// The coordinator's unix socket: accepts the wrappers' (and `ferry make`'s) connections and
// turns each into a stream of frames. Connections are named by a number that is never
// reused, so a late answer can never reach the wrong wrapper. The socket file is made 0600
// (and lives in a 0700 directory): only its user may talk to the coordinator.
#pragma once

#include "event/frame_stream.hpp"
#include "event/handle.hpp"
#include "remote/protocol/frame.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <uv.h>

namespace ferry::coordinator {

using ConnectionId = uint64_t;

class IpcEvents {
  public:
    virtual ~IpcEvents() = default;
    virtual void ipc_frame(ConnectionId connection, proto::Frame frame) = 0;
    // The connection is gone (peer closed, I/O error, malformed bytes, close_connection()).
    virtual void ipc_closed(ConnectionId connection, const std::string& why) = 0;
};

class IpcServer {
  public:
    // Binds `path` (removing what is there: the caller holds the coordinator lock, so any
    // socket file left there is stale) and listens.
    static Result<std::unique_ptr<IpcServer>> listen(uv_loop_t* loop, const std::string& path,
                                                     IpcEvents& events);
    IpcServer(const IpcServer&) = delete;
    IpcServer& operator=(const IpcServer&) = delete;
    ~IpcServer();

    void send(ConnectionId connection, std::string bytes);
    // Drops a connection; ipc_closed is called before this returns.
    void close_connection(ConnectionId connection, const std::string& why);
    // Stops listening and drops every connection without events; removes the socket file.
    void close_all();
    size_t connections() const { return m_connections.size(); }
    size_t queued_bytes(ConnectionId connection) const;

  private:
    IpcServer(uv_loop_t* loop, std::string path, IpcEvents& events)
        : m_loop(loop), m_path(std::move(path)), m_events(events) {}
    static void on_connection(uv_stream_t* server, int status);
    void accept();

    uv_loop_t* m_loop;
    std::string m_path;
    IpcEvents& m_events;
    event::Handle<uv_pipe_t> m_listener;
    std::map<ConnectionId, std::unique_ptr<event::FrameStream>> m_connections;
    ConnectionId m_next_id = 1;
};

} // namespace ferry::coordinator
