#include "coordinator/ipc_server.hpp"

#include "util/log.hpp"
#include "util/unix_socket.hpp"

#include <cerrno>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace ferry::coordinator {

Result<std::unique_ptr<IpcServer>> IpcServer::listen(uv_loop_t* loop, const std::string& path,
                                                     IpcEvents& events) {
    std::unique_ptr<IpcServer> server(new IpcServer(loop, path, events));
    FERRY_TRY(listener,
              event::Handle<uv_pipe_t>::create("uv_pipe_init", server.get(), [loop](uv_pipe_t* p) {
                  return uv_pipe_init(loop, p, 0);
              }));
    server->m_listener = std::move(*listener);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return errno_error(fmt::format("remove stale socket {}", path), errno);
    // Bound by listen_unix rather than uv_pipe_bind: a deep runtime directory needs a path
    // longer than sun_path, which listen_unix reaches through a directory descriptor (and
    // libuv would remember the short alias and unlink it later; close_all unlinks `path`).
    FERRY_TRY(fd, listen_unix(path, 128));
    if (::chmod(path.c_str(), 0600) != 0) return errno_error(fmt::format("chmod {}", path), errno);
    int rc = uv_pipe_open(server->m_listener.get(), fd->get());
    if (rc < 0) return event::uv_error(fmt::format("listen {}", path), rc);
    (void)fd->release(); // the pipe handle owns it now
    rc = uv_listen(server->m_listener.stream(), 128, &IpcServer::on_connection);
    if (rc < 0) return event::uv_error(fmt::format("listen {}", path), rc);
    return server;
}

IpcServer::~IpcServer() {
    close_all();
}

void IpcServer::on_connection(uv_stream_t* listener, int status) {
    auto* self = event::owner_of<IpcServer>(listener);
    if (!self) return;
    if (status < 0) {
        log::warning("accept on {}: {}", self->m_path, uv_strerror(status));
        return;
    }
    self->accept();
}

void IpcServer::accept() {
    auto pipe = event::Handle<uv_pipe_t>::create(
        "uv_pipe_init", nullptr, [this](uv_pipe_t* p) { return uv_pipe_init(m_loop, p, 0); });
    if (!pipe) return log::warning("accept: {}", pipe.error().message);
    int rc = uv_accept(m_listener.stream(), pipe->stream());
    if (rc < 0) return log::warning("accept: {}", uv_strerror(rc));
    ConnectionId id = m_next_id++;
    auto stream = event::FrameStream::start(
        std::move(*pipe).release_as<uv_stream_t>(), proto::Limits{},
        {.frame = [this, id](proto::Frame frame) { m_events.ipc_frame(id, std::move(frame)); },
         .end =
             [this, id](const event::StreamEnd& end) {
                 m_connections.erase(id);
                 m_events.ipc_closed(id, end.error.message);
             }});
    if (!stream) return log::warning("accept: {}", stream.error().message);
    m_connections.emplace(id, std::move(*stream));
}

void IpcServer::send(ConnectionId connection, std::string bytes) {
    if (auto it = m_connections.find(connection); it != m_connections.end())
        it->second->send(std::move(bytes));
}

void IpcServer::close_connection(ConnectionId connection, const std::string& why) {
    auto it = m_connections.find(connection);
    if (it == m_connections.end()) return;
    m_connections.erase(it); // the FrameStream closes its handle without calling back
    m_events.ipc_closed(connection, why);
}

void IpcServer::close_all() {
    m_connections.clear();
    if (m_listener) {
        m_listener.reset();
        ::unlink(m_path.c_str());
    }
}

size_t IpcServer::queued_bytes(ConnectionId connection) const {
    auto it = m_connections.find(connection);
    return it == m_connections.end() ? 0 : it->second->queued_bytes();
}

} // namespace ferry::coordinator
