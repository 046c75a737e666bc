// The client side of the coordinator's unix socket: used by the wrapper (local slots,
// remote compiles) and by `ferry make`/`ferry ninja` (cluster capacity). Starts the
// coordinator on first use. Blocking I/O: these are short-lived processes with one request
// in flight.
#pragma once

#include "config/hosts.hpp"
#include "ipc/messages.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

#include <optional>
#include <string>

namespace ferry::ipc {

// Names the build a wrapper belongs to: `ferry make`/`run`/`ninja` set it for their
// children, so that their summary and trace follow only their own jobs.
inline constexpr const char* kBuildEnv = "FERRY_BUILD";
// $FERRY_BUILD, or empty.
std::string current_build();

class CoordinatorClient {
  public:
    // Connects to the coordinator for `config` (one per user and configuration, see
    // coordinator/paths.hpp), starting it if it is not running. `hosts_flag` is passed on
    // to a coordinator it starts. Errc::unavailable if it cannot be reached or started:
    // callers then compile locally.
    static Result<CoordinatorClient> connect(const config::Config& config,
                                             const std::string& hosts_flag = {},
                                             bool start_if_needed = true);

    // Blocks until the coordinator grants a local slot. The slot is held until
    // release_local() or until this connection closes (a crashed wrapper frees its slot).
    // `step` says what for (its pid and build are filled in here).
    Result<void> acquire_local(proto::IpcAcquireLocal step);
    // Gives the slot back, with the CPU this process's reaped children used so far.
    Result<void> release_local();
    Result<proto::IpcCompileResult> compile(const proto::IpcCompile& request);
    // compile() in two halves, for a speculative start: the answer is read only if the
    // scan confirms the request; otherwise the connection is closed unread.
    Result<void> send_compile(const proto::IpcCompile& request);
    Result<proto::IpcCompileResult> receive_compile_result();
    // Tells the coordinator that the speculative answer just read is the one used (for its
    // log). No answer comes.
    Result<void> confirm_speculation();
    // The request remembered under `key` (proto::IpcMemo), if any.
    Result<std::optional<proto::IpcCompile>> memo(const std::string& key);
    Result<proto::IpcStatus> status();
    // Every job in flight, with the status.
    Result<proto::IpcJobs> jobs();
    // Makes this connection a watcher (proto::IpcWatch); read what comes with next_frame().
    Result<void> watch(const proto::IpcWatch& what);
    // The next frame, or nullopt if none came within `timeout_ms` (-1: wait).
    Result<std::optional<proto::Frame>> next_frame(int timeout_ms);
    Result<void> shutdown();
    // For callers that wait on several descriptors (poll): readable means next_frame().
    int fd() const { return m_fd.get(); }

  private:
    explicit CoordinatorClient(Fd fd) : m_fd(std::move(fd)) {}
    Fd m_fd;
};

} // namespace ferry::ipc
