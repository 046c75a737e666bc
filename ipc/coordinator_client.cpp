#include "ipc/coordinator_client.hpp"

#include "ipc/paths.hpp"
#include "util/fs.hpp"
#include "util/subprocess.hpp"
#include "util/unix_socket.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace ferry::ipc {
namespace {

// How long a wrapper waits for a coordinator it started to listen.
constexpr auto kStartTimeout = std::chrono::seconds(3);
// How long `ferry shutdown` waits for the coordinator to close the connection.
constexpr int kShutdownWaitMs = 5000;

Result<void> send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return make_error(Errc::unavailable, "coordinator: {}", std::strerror(errno));
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return ok();
}

// Reads exactly `size` bytes; a closed connection is Errc::unavailable.
Result<void> recv_exact(int fd, char* buf, size_t size) {
    size_t got = 0;
    while (got < size) {
        ssize_t n = ::recv(fd, buf + got, size - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return make_error(Errc::unavailable, "coordinator: {}", std::strerror(errno));
        }
        if (n == 0) return make_error(Errc::unavailable, "coordinator closed the connection");
        got += static_cast<size_t>(n);
    }
    return ok();
}

uint32_t read_le32(const char* p) {
    return static_cast<uint32_t>(static_cast<unsigned char>(p[0])) |
           static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
           static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(p[3])) << 24;
}

// One request, one answer: the coordinator never sends unasked, so a frame is read whole
// (header, then exactly its payload) and no bytes are left over between calls.
Result<proto::Frame> read_frame(int fd) {
    std::string bytes(proto::kHeaderSize, '\0');
    FERRY_TRY_VOID(recv_exact(fd, bytes.data(), bytes.size()));
    const uint32_t payload_len = read_le32(bytes.data() + 8);
    if (payload_len > proto::Limits{}.max_payload)
        return make_error(Errc::protocol, "coordinator: frame of {} bytes is over the limit",
                          payload_len);
    bytes.resize(proto::kHeaderSize + payload_len);
    FERRY_TRY_VOID(recv_exact(fd, bytes.data() + proto::kHeaderSize, payload_len));
    // No `error` frame on this socket (docs/protocol.md §6): the coordinator closes a
    // connection it cannot serve, and any unexpected frame is a protocol error of the caller's.
    return proto::decode_single_frame(bytes);
}

// A frame, or why it could not be made, sent whole.
Result<void> send_frame(int fd, const Result<std::string>& frame) {
    if (!frame) return frame.error();
    return send_all(fd, *frame);
}

template <typename Msg> Result<Msg> read_message(int fd) {
    FERRY_TRY(frame, read_frame(fd));
    return proto::decode_as<Msg>(*frame);
}

Result<void> spawn_coordinator(const std::string& socket, const std::string& log,
                               const std::string& hosts_flag) {
    char self[PATH_MAX];
    if (::realpath("/proc/self/exe", self) == nullptr)
        return make_error(Errc::unavailable, "cannot find our own executable");
    std::vector<std::string> argv = {"ferry", "coordinator", "--socket", socket};
    if (!hosts_flag.empty()) {
        // The coordinator outlives this directory's build: it gets the file by absolute path.
        char cwd[PATH_MAX];
        argv.push_back("--hosts");
        argv.push_back(::getcwd(cwd, sizeof cwd) ? absolute_path(cwd, hosts_flag) : hosts_flag);
    }
    FERRY_TRY(pid, spawn_detached(argv, self, log));
    (void)pid; // its own session; it outlives us and init reaps it
    return ok();
}

} // namespace

Result<CoordinatorClient> CoordinatorClient::connect(const config::Config& config,
                                                     const std::string& hosts_flag,
                                                     bool start_if_needed) {
    auto dir = runtime_dir();
    if (!dir) return Error{Errc::unavailable, dir.error().message};
    const std::string socket = socket_path(*dir, config);

    int err = 0;
    auto fd = connect_unix(socket, err);
    if (fd) return CoordinatorClient(std::move(*fd));
    if (!start_if_needed || (err != ENOENT && err != ECONNREFUSED))
        return Error{Errc::unavailable, fd.error().message};

    // Several wrappers may start one at once; the coordinator's lock lets one survive and
    // everyone connects to it.
    auto started = spawn_coordinator(socket, log_path(*dir, config), hosts_flag);
    if (!started)
        return make_error(Errc::unavailable, "cannot start the coordinator: {}",
                          started.error().message);
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    auto pause = std::chrono::milliseconds(5);
    for (;;) {
        fd = connect_unix(socket, err);
        if (fd) return CoordinatorClient(std::move(*fd));
        if (std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(100));
    }
    return make_error(Errc::unavailable, "the coordinator did not start ({})", fd.error().message);
}

std::string current_build() {
    const char* build = std::getenv(kBuildEnv);
    return build ? build : "";
}

Result<void> CoordinatorClient::acquire_local(proto::IpcAcquireLocal step) {
    step.pid = static_cast<uint32_t>(::getpid());
    step.build = current_build();
    FERRY_TRY_VOID(send_frame(m_fd.get(), proto::frame(step)));
    FERRY_TRY(frame, read_frame(m_fd.get()));
    return proto::expect_empty(*frame, proto::MsgType::ipc_granted);
}

Result<void> CoordinatorClient::release_local() {
    proto::IpcReleaseLocal release;
    struct rusage children {};
    if (::getrusage(RUSAGE_CHILDREN, &children) == 0)
        release.children_cpu_us =
            uint64_t(children.ru_utime.tv_sec + children.ru_stime.tv_sec) * 1000000 +
            uint64_t(children.ru_utime.tv_usec + children.ru_stime.tv_usec);
    return send_frame(m_fd.get(), proto::frame(release));
}

Result<proto::IpcCompileResult> CoordinatorClient::compile(const proto::IpcCompile& request) {
    FERRY_TRY_VOID(send_compile(request));
    return receive_compile_result();
}

Result<void> CoordinatorClient::send_compile(const proto::IpcCompile& request) {
    return send_frame(m_fd.get(), proto::frame(request));
}

Result<proto::IpcCompileResult> CoordinatorClient::receive_compile_result() {
    return read_message<proto::IpcCompileResult>(m_fd.get());
}

Result<void> CoordinatorClient::confirm_speculation() {
    return send_frame(m_fd.get(), proto::encode_frame(proto::MsgType::ipc_speculation_used, {}));
}

Result<std::optional<proto::IpcCompile>> CoordinatorClient::memo(const std::string& key) {
    FERRY_TRY_VOID(send_frame(m_fd.get(), proto::frame(proto::IpcMemoRequest{key})));
    FERRY_TRY(answer, read_message<proto::IpcMemo>(m_fd.get()));
    if (!answer->found) return std::optional<proto::IpcCompile>();
    return std::optional<proto::IpcCompile>(std::move(answer->request));
}

Result<proto::IpcStatus> CoordinatorClient::status() {
    FERRY_TRY_VOID(
        send_frame(m_fd.get(), proto::encode_frame(proto::MsgType::ipc_status_request, {})));
    return read_message<proto::IpcStatus>(m_fd.get());
}

Result<proto::IpcJobs> CoordinatorClient::jobs() {
    FERRY_TRY_VOID(
        send_frame(m_fd.get(), proto::encode_frame(proto::MsgType::ipc_jobs_request, {})));
    return read_message<proto::IpcJobs>(m_fd.get());
}

Result<void> CoordinatorClient::watch(const proto::IpcWatch& what) {
    return send_frame(m_fd.get(), proto::frame(what));
}

Result<std::optional<proto::Frame>> CoordinatorClient::next_frame(int timeout_ms) {
    pollfd p{m_fd.get(), POLLIN, 0};
    for (;;) {
        int rc = ::poll(&p, 1, timeout_ms);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return make_error(Errc::io, "poll: {}", std::strerror(errno));
        if (rc == 0) return std::optional<proto::Frame>();
        break;
    }
    FERRY_TRY(frame, read_frame(m_fd.get()));
    return std::optional<proto::Frame>(std::move(*frame));
}

Result<void> CoordinatorClient::shutdown() {
    FERRY_TRY_VOID(send_frame(m_fd.get(), proto::encode_frame(proto::MsgType::ipc_shutdown, {})));
    // No answer comes; wait for the coordinator to drop us, so that the caller can rely on
    // it having stopped accepting work.
    pollfd p{m_fd.get(), POLLIN, 0};
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(kShutdownWaitMs);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) return make_error(Errc::timeout, "the coordinator did not stop");
        int rc = ::poll(&p, 1, static_cast<int>(left));
        if (rc < 0 && errno == EINTR) continue;
        if (rc <= 0) return make_error(Errc::timeout, "the coordinator did not stop");
        char buf[256];
        ssize_t n = ::recv(m_fd.get(), buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return ok();
    }
}

} // namespace ferry::ipc
