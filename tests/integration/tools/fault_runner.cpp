// fault_runner: a TCP server that plays a broken ferryd on purpose, for the fault-injection
// suites (tests/integration/test_fault_*.sh). It speaks the real framing (remote/protocol),
// so a half frame is half of a frame ferryd would send, and its greeting offers this
// machine's real compilers, so the coordinator does send it jobs.
//
//   fault_runner --listen ADDR:PORT --mode MODE [--log FILE]
//
// Modes, for every connection it accepts:
//   accept-silent        accepts, reads and discards, never writes
//   close-mid-frame      writes the first half of a valid greeting frame, then closes
//   garbage              instead of a greeting writes, by turns: random bytes, a frame with a
//                        bad magic, a header announcing an absurd payload length
//   greet-then-stall     a valid greeting, then never answers anything (no pong, no result)
//   greet-then-garbage   a valid greeting; a job request is answered with garbage (by turns)
//   greet-then-close     a valid greeting; a job request gets half a valid job result, then
//                        the connection closes
// One log line per connection and per job it mistreats, so a suite can check it was used.
// SIGTERM/SIGINT end it.
#include "compiler/identity.hpp"
#include "remote/protocol/frame.hpp"
#include "remote/protocol/messages.hpp"
#include "util/fd.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <random>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace ferry;

namespace {

enum class Mode {
    accept_silent,
    close_mid_frame,
    garbage,
    greet_then_stall,
    greet_then_garbage,
    greet_then_close
};

std::optional<Mode> parse_mode(const std::string& text) {
    static const std::map<std::string, Mode> modes = {
        {"accept-silent", Mode::accept_silent},
        {"close-mid-frame", Mode::close_mid_frame},
        {"garbage", Mode::garbage},
        {"greet-then-stall", Mode::greet_then_stall},
        {"greet-then-garbage", Mode::greet_then_garbage},
        {"greet-then-close", Mode::greet_then_close},
    };
    auto it = modes.find(text);
    if (it == modes.end()) return std::nullopt;
    return it->second;
}

volatile std::sig_atomic_t g_stop = 0;
FILE* g_log = stderr;

template <typename... Args> void log_line(fmt::format_string<Args...> f, Args&&... args) {
    std::fprintf(g_log, "fault_runner[%d]: %s\n", static_cast<int>(::getpid()),
                 fmt::format(f, std::forward<Args>(args)...).c_str());
    std::fflush(g_log);
}

[[noreturn]] void die(const std::string& message) {
    log_line("{}", message);
    if (g_log != stderr) std::fprintf(stderr, "fault_runner: %s\n", message.c_str());
    std::exit(2);
}

// Best effort: a peer that already left only shortens the misbehaviour.
void write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        data.remove_prefix(static_cast<size_t>(n));
    }
}

std::string greeting() {
    proto::RunnerHello hello;
    hello.runner_name = "fault_runner";
    hello.slots = 2;
    const char* path = std::getenv("PATH");
    for (const auto& id :
         compiler::probe_default_allowlist(path && *path ? path : "/usr/local/bin:/usr/bin:/bin"))
        hello.compilers.push_back(
            proto::CompilerInfo{id.name, id.driver, id.target, id.version, id.id});
    return *proto::frame(hello);
}

std::string half_of(const std::string& frame) {
    // At least the header, so the peer knows a payload was on its way.
    return frame.substr(0, std::max(proto::kHeaderSize + 1, frame.size() / 2));
}

// The three kinds of garbage, by turns.
std::string garbage(unsigned turn, std::mt19937& random) {
    switch (turn % 3) {
    case 0: {
        std::string bytes(64, '\0');
        for (auto& c : bytes)
            c = static_cast<char>(random() & 0xff);
        return bytes;
    }
    case 1: {
        std::string frame = *proto::encode_frame(proto::MsgType::pong, {});
        std::memcpy(frame.data(), "GET ", 4);
        return frame;
    }
    default: {
        std::string frame = *proto::encode_frame(proto::MsgType::job_result, {});
        // payload_len and raw_len 0xffffffff: far past any receiver's limit.
        std::memset(frame.data() + 8, 0xff, 8);
        return frame;
    }
    }
}

struct Connection {
    Fd fd;
    unsigned number = 0;
    proto::FrameDecoder decoder;
    bool greeted = false; // the ClientHello arrived
};

class Server {
  public:
    Server(Mode mode, Fd listener) : m_mode(mode), m_listener(std::move(listener)) {
        if (mode == Mode::greet_then_stall || mode == Mode::greet_then_garbage ||
            mode == Mode::greet_then_close || mode == Mode::close_mid_frame)
            m_greeting = greeting();
    }

    void run() {
        while (!g_stop) {
            std::vector<pollfd> fds;
            fds.push_back({m_listener.get(), POLLIN, 0});
            for (auto& [fd, c] : m_connections)
                fds.push_back({fd, POLLIN, 0});
            int n = ::poll(fds.data(), fds.size(), 200);
            if (n < 0 && errno != EINTR) die(fmt::format("poll: {}", std::strerror(errno)));
            if (n <= 0) continue;
            if (fds[0].revents & POLLIN) accept_one();
            for (size_t i = 1; i < fds.size(); ++i)
                if (fds[i].revents) readable(fds[i].fd);
        }
        log_line("stopping");
    }

  private:
    void accept_one() {
        Fd fd(::accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (!fd) return;
        unsigned number = ++m_accepted;
        int raw = fd.get();
        switch (m_mode) {
        case Mode::accept_silent:
            log_line("connection {}: accepted, staying silent", number);
            break;
        case Mode::close_mid_frame:
            write_all(raw, half_of(m_greeting));
            log_line("connection {}: closed after {} of the greeting's {} bytes", number,
                     half_of(m_greeting).size(), m_greeting.size());
            return; // fd closes here
        case Mode::garbage:
            write_all(raw, garbage(number - 1, m_random));
            log_line("connection {}: sent garbage (kind {}) instead of a greeting", number,
                     (number - 1) % 3);
            break;
        case Mode::greet_then_stall:
        case Mode::greet_then_garbage:
        case Mode::greet_then_close:
            write_all(raw, m_greeting);
            log_line("connection {}: greeted", number);
            break;
        }
        Connection c;
        c.fd = std::move(fd);
        c.number = number;
        m_connections.emplace(raw, std::move(c));
    }

    void readable(int fd) {
        auto it = m_connections.find(fd);
        if (it == m_connections.end()) return;
        Connection& c = it->second;
        char buf[65536];
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) return;
        if (n <= 0) {
            log_line("connection {}: closed by the peer", c.number);
            m_connections.erase(it);
            return;
        }
        if (m_mode == Mode::accept_silent || m_mode == Mode::garbage) return;
        if (!c.decoder.feed(std::string_view(buf, static_cast<size_t>(n)))) {
            log_line("connection {}: undecodable bytes from the peer, closing", c.number);
            m_connections.erase(it);
            return;
        }
        while (c.decoder.has_frame()) {
            proto::Frame frame = c.decoder.pop();
            if (frame.type == proto::MsgType::client_hello) {
                c.greeted = true;
                continue;
            }
            if (frame.type != proto::MsgType::job_request) continue; // pings: never answered
            auto job = proto::decode_as<proto::JobRequest>(frame);
            uint64_t id = job ? job->job_id : 0;
            if (m_mode == Mode::greet_then_stall) {
                log_line("connection {}: job {} received, never answering", c.number, id);
                continue;
            }
            if (m_mode == Mode::greet_then_garbage) {
                write_all(fd, garbage(m_jobs_mistreated++, m_random));
                log_line("connection {}: job {} answered with garbage", c.number, id);
                continue;
            }
            proto::JobResult result;
            result.job_id = id;
            result.status = proto::JobStatus::completed;
            result.exit_code = 0;
            result.stderr_data = std::string(4096, 'x'); // a frame worth halving
            std::string whole = *proto::frame(result);
            write_all(fd, half_of(whole));
            log_line("connection {}: job {} got {} of its result's {} bytes, closing", c.number, id,
                     half_of(whole).size(), whole.size());
            m_connections.erase(it);
            return;
        }
    }

    Mode m_mode;
    Fd m_listener;
    std::string m_greeting;
    std::map<int, Connection> m_connections;
    unsigned m_accepted = 0;
    unsigned m_jobs_mistreated = 0;
    std::mt19937 m_random{12345};
};

Fd listen_on(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) die("--listen wants ADDR:PORT, got " + text);
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_port = htons(static_cast<uint16_t>(std::atoi(text.c_str() + colon + 1)));
    if (::inet_pton(AF_INET, text.substr(0, colon).c_str(), &in.sin_addr) != 1)
        die("bad IPv4 address in " + text);
    Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) die(fmt::format("socket: {}", std::strerror(errno)));
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&in), sizeof in) != 0)
        die(fmt::format("bind {}: {}", text, std::strerror(errno)));
    if (::listen(fd.get(), 64) != 0) die(fmt::format("listen: {}", std::strerror(errno)));
    return fd;
}

} // namespace

int main(int argc, char** argv) {
    std::string listen, mode_text, log_file;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) die(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--listen")
            listen = value();
        else if (arg == "--mode")
            mode_text = value();
        else if (arg == "--log")
            log_file = value();
        else
            die("unknown argument " + arg);
    }
    if (!log_file.empty()) {
        g_log = std::fopen(log_file.c_str(), "ae");
        if (!g_log) {
            std::fprintf(stderr, "fault_runner: cannot open %s: %s\n", log_file.c_str(),
                         std::strerror(errno));
            return 2;
        }
    }
    auto mode = parse_mode(mode_text);
    if (listen.empty() || !mode)
        die("usage: fault_runner --listen ADDR:PORT --mode MODE [--log FILE]");
    struct sigaction sa {};
    sa.sa_handler = [](int) { g_stop = 1; };
    ::sigaction(SIGTERM, &sa, nullptr);
    ::sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    Server server(*mode, listen_on(listen));
    log_line("listening on {} as {}", listen, mode_text);
    server.run();
    return 0;
}
