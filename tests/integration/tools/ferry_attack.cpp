// ferry_attack: a hostile runner-protocol client for test_hostile_limits. Each command makes
// one attack from docs/security.md ("limits that hold before trust") against a ferryd and
// prints what ferryd did, so the suite can assert on it; ferryd's own health (memory, other
// clients) is checked by the suite.
//
//   ferry_attack [--bind ADDR] bomb HOST:PORT CONNECTIONS FRAMES MIB [nosize|ping]
//       CONNECTIONS connections each write FRAMES zstd frames at once, each decompressing to
//       MIB MiB: before the hello (as client_hello frames), or "ping": after the hello, as
//       pings. "nosize": the zstd frames do not declare their content size. Prints
//       "closed N of N" when ferryd dropped every connection.
//   ferry_attack [--bind ADDR] flood HOST:PORT COUNT PAUSE_MS
//       connects COUNT times, PAUSE_MS apart, reading what ferryd says. Prints
//       "refused R greeted G".
//   ferry_attack [--bind ADDR] manifest HOST:PORT COMPILER PATHS DEPTH
//       one job whose manifest lists PATHS files, each DEPTH directories deep in its own
//       tree. Prints "refused|failed|need-files|completed in MS ms: MESSAGE".
//   ferry_attack [--bind ADDR] pings HOST:PORT MILLISECONDS
//       pings for that long, one after the other. Prints "pings N max-ms M".
//   ferry_attack [--bind ADDR] hold HOST:PORT COMPILER JOBS WAIT_S
//       JOBS jobs whose one file is never sent; then waits up to WAIT_S s for every answer.
//       Prints "need N queue-full Q timed-out T other O" and each other answer.
// Exit 0 when the command ran (what ferryd did is in the output), 1 on a setup error.
#include "remote/protocol/frame.hpp"
#include "remote/protocol/messages.hpp"
#include "tests/integration/tools/tcp_connect.hpp"
#include "util/fd.hpp"
#include "util/hash.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>
#include <zstd.h>

using namespace ferry;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "ferry_attack: %s\n", message.c_str());
    std::exit(1);
}

long long ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

class Peer {
  public:
    Peer(const std::string& target, const std::string& bind_addr) {
        auto fd = test_tools::connect_v4(target, bind_addr, 3633);
        if (!fd) die(fd.error().message);
        m_fd = std::move(*fd);
    }

    // False when ferryd has closed (a reset counts).
    bool send_raw(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t n = ::send(m_fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return false;
            bytes.remove_prefix(static_cast<size_t>(n));
        }
        return true;
    }

    // nullopt: closed, reset, or nothing within timeout_ms.
    std::optional<proto::Frame> receive(int timeout_ms = 10000) {
        char buf[65536];
        const auto start = Clock::now();
        while (!m_decoder.has_frame()) {
            pollfd p{m_fd.get(), POLLIN, 0};
            int left = timeout_ms - static_cast<int>(ms_since(start));
            if (left <= 0 || ::poll(&p, 1, left) <= 0) return std::nullopt;
            ssize_t n = ::recv(m_fd.get(), buf, sizeof buf, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return std::nullopt;
            if (!m_decoder.feed({buf, static_cast<size_t>(n)})) die("bad frame from ferryd");
        }
        return m_decoder.pop();
    }

    proto::RunnerHello handshake() {
        auto f = receive();
        if (!f) die("no greeting");
        auto hello = proto::decode_as<proto::RunnerHello>(*f);
        if (!hello) die("not a greeting: " + hello.error().message);
        proto::ClientHello reply;
        reply.client_name = "ferry_attack";
        if (!send_raw(*proto::frame(reply))) die("closed at the hello");
        return std::move(*hello);
    }

    // True when ferryd closes the connection within timeout_ms (after any frames).
    bool closed_within(int timeout_ms) {
        const auto start = Clock::now();
        char buf[4096];
        for (;;) {
            pollfd p{m_fd.get(), POLLIN, 0};
            int left = timeout_ms - static_cast<int>(ms_since(start));
            if (left <= 0 || ::poll(&p, 1, left) <= 0) return false;
            ssize_t n = ::recv(m_fd.get(), buf, sizeof buf, 0);
            if (n <= 0) return true;
        }
    }

  private:
    Fd m_fd;
    proto::FrameDecoder m_decoder;
};

// A frame of `type` whose zstd payload inflates to `raw` zero bytes, built without ever
// holding `raw` bytes: the attacker's cost is the compressed size only.
std::string zstd_bomb(proto::MsgType type, uint64_t raw, bool declare_size) {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    if (!cctx) die("zstd");
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, declare_size ? 1 : 0);
    if (declare_size) ZSTD_CCtx_setPledgedSrcSize(cctx, raw);
    std::string zeros(1 << 20, '\0'), out, chunk(ZSTD_CStreamOutSize(), '\0');
    for (uint64_t done = 0; done < raw;) {
        size_t n = static_cast<size_t>(std::min<uint64_t>(zeros.size(), raw - done));
        done += n;
        ZSTD_inBuffer in{zeros.data(), n, 0};
        const ZSTD_EndDirective mode = done == raw ? ZSTD_e_end : ZSTD_e_continue;
        for (;;) {
            ZSTD_outBuffer o{chunk.data(), chunk.size(), 0};
            size_t left = ZSTD_compressStream2(cctx, &o, &in, mode);
            if (ZSTD_isError(left)) die(ZSTD_getErrorName(left));
            out.append(chunk.data(), o.pos);
            if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) break;
        }
    }
    ZSTD_freeCCtx(cctx);
    std::string frame;
    frame.append(proto::kMagic, sizeof proto::kMagic);
    frame.push_back(static_cast<char>(proto::kProtocolVersion));
    frame.push_back(static_cast<char>(type));
    frame.push_back(static_cast<char>(proto::kFlagZstd));
    frame.push_back('\0');
    for (uint64_t v : {uint64_t(out.size()), raw})
        for (int i = 0; i < 4; ++i)
            frame.push_back(static_cast<char>(static_cast<uint8_t>(v >> (8 * i))));
    return frame + out;
}

int cmd_bomb(const std::string& target, const std::string& bind, int connections, int frames,
             uint64_t mib, const std::string& variant) {
    const bool after_hello = variant == "ping";
    const auto type = after_hello ? proto::MsgType::ping : proto::MsgType::client_hello;
    const std::string one = zstd_bomb(type, mib << 20, variant != "nosize");
    std::string all;
    for (int i = 0; i < frames; ++i)
        all += one;
    std::printf("bomb %zu bytes on the wire, %llu MiB each inflated\n", all.size(),
                static_cast<unsigned long long>(mib));
    int closed = 0;
    for (int i = 0; i < connections; ++i) {
        Peer p(target, bind);
        if (after_hello) p.handshake();
        p.send_raw(all);
        if (p.closed_within(10000)) ++closed;
    }
    std::printf("closed %d of %d\n", closed, connections);
    return 0;
}

int cmd_flood(const std::string& target, const std::string& bind, int count, int pause_ms) {
    int refused = 0, greeted = 0;
    for (int i = 0; i < count; ++i) {
        Peer p(target, bind);
        auto f = p.receive(5000);
        if (f && f->type == proto::MsgType::error) ++refused;
        if (f && f->type == proto::MsgType::runner_hello) ++greeted;
        if (pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
    }
    std::printf("refused %d greeted %d\n", refused, greeted);
    return 0;
}

proto::JobRequest job_for(const proto::RunnerHello& hello, const std::string& compiler,
                          uint64_t id) {
    proto::JobRequest req;
    req.job_id = id;
    req.compiler_name = compiler;
    for (const auto& comp : hello.compilers)
        if (comp.name == compiler) req.compiler_id = comp.id;
    if (req.compiler_id.empty()) die("ferryd offers no compiler " + compiler);
    req.cwd = "/attack";
    req.args = {"-c", "/attack/a.c", "-o", "/attack/a.o"};
    req.outputs = {"/attack/a.o"};
    req.language = "c";
    // A sandboxed runner runs the compiler a job ships: name one (its files are never sent,
    // like the rest of what these jobs announce).
    std::string fake(1, 'c');
    req.toolchain.program = "/attack/bin/cc";
    req.toolchain.files.push_back({"/attack/bin/cc", hash_hex(fake), fake.size()});
    return req;
}

// "refused in 12 ms: why" for the job's answer.
void print_answer(const proto::Frame& f, long long ms) {
    if (f.type == proto::MsgType::need_files) {
        std::printf("need-files in %lld ms\n", ms);
        return;
    }
    if (f.type == proto::MsgType::error) {
        auto e = proto::decode_as<proto::ErrorMsg>(f);
        std::printf("error in %lld ms: %s\n", ms, e ? e->message.c_str() : "?");
        return;
    }
    auto r = proto::decode_as<proto::JobResult>(f);
    if (!r) die(r.error().message);
    const char* status = r->status == proto::JobStatus::refused  ? "refused"
                         : r->status == proto::JobStatus::failed ? "failed"
                                                                 : "completed";
    std::printf("%s in %lld ms: %s\n", status, ms, r->message.c_str());
}

int cmd_manifest(const std::string& target, const std::string& bind, const std::string& compiler,
                 int paths, int depth) {
    Peer p(target, bind);
    auto hello = p.handshake();
    proto::JobRequest req = job_for(hello, compiler, 1);
    const std::string content = "int x;\n";
    req.files.push_back({"/attack/a.c", hash_hex(content), content.size()});
    for (int i = 0; i < paths; ++i) {
        std::string path = "/t" + std::to_string(i);
        for (int d = 0; d < depth; ++d)
            path += "/d";
        req.files.push_back({path + "/h.h", hash_hex(content), content.size()});
    }
    const std::string bytes = *proto::frame(req, 1);
    const auto start = Clock::now();
    p.send_raw(bytes);
    auto f = p.receive(30000);
    if (!f) die("no answer to the job");
    print_answer(*f, ms_since(start));
    std::printf("request %zu bytes on the wire\n", bytes.size());
    return 0;
}

int cmd_pings(const std::string& target, const std::string& bind, int duration_ms) {
    Peer p(target, bind);
    p.handshake();
    const auto start = Clock::now();
    long long worst = 0;
    int n = 0;
    while (ms_since(start) < duration_ms) {
        const auto sent = Clock::now();
        p.send_raw(*proto::encode_frame(proto::MsgType::ping, {}));
        auto f = p.receive(30000);
        if (!f || f->type != proto::MsgType::pong) die("no pong");
        worst = std::max(worst, ms_since(sent));
        ++n;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::printf("pings %d max-ms %lld\n", n, worst);
    return 0;
}

int cmd_hold(const std::string& target, const std::string& bind, const std::string& compiler,
             int jobs, int wait_s) {
    Peer p(target, bind);
    auto hello = p.handshake();
    for (int i = 0; i < jobs; ++i) {
        proto::JobRequest req = job_for(hello, compiler, static_cast<uint64_t>(i + 1));
        // Content no cache has: the runner must ask for it, and it never comes.
        const std::string content =
            "int never_sent_" + std::to_string(i) + "_" + std::to_string(::getpid()) + ";\n";
        req.files.push_back({"/attack/a.c", hash_hex(content), content.size()});
        if (!p.send_raw(*proto::frame(req))) die("closed while sending jobs");
    }
    int need = 0, full = 0, timed_out = 0, other = 0, answers = 0;
    const auto start = Clock::now();
    while (answers < jobs && ms_since(start) < wait_s * 1000LL) {
        auto f = p.receive(static_cast<int>(wait_s * 1000LL - ms_since(start)));
        if (!f) break;
        if (f->type == proto::MsgType::need_files) {
            ++need;
            continue;
        }
        ++answers;
        auto r = proto::decode_as<proto::JobResult>(*f);
        std::string message = r ? r->message : "(not a job result)";
        if (message == "queue full")
            ++full;
        else if (message.find("did not arrive within") != std::string::npos)
            ++timed_out;
        else {
            ++other;
            std::printf("answer: %s\n", message.c_str());
        }
    }
    std::printf("need %d queue-full %d timed-out %d other %d after %lld ms\n", need, full,
                timed_out, other, ms_since(start));
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string bind;
    if (args.size() >= 2 && args[0] == "--bind") {
        bind = args[1];
        args.erase(args.begin(), args.begin() + 2);
    }
    auto need = [&](size_t n) {
        if (args.size() < n) die("missing arguments (see the comment at the top of the source)");
    };
    need(2);
    const std::string& cmd = args[0];
    const std::string& target = args[1];
    if (cmd == "bomb") {
        need(5);
        return cmd_bomb(target, bind, std::atoi(args[2].c_str()), std::atoi(args[3].c_str()),
                        std::strtoull(args[4].c_str(), nullptr, 10),
                        args.size() > 5 ? args[5] : "");
    }
    if (cmd == "flood") {
        need(4);
        return cmd_flood(target, bind, std::atoi(args[2].c_str()), std::atoi(args[3].c_str()));
    }
    if (cmd == "manifest") {
        need(5);
        return cmd_manifest(target, bind, args[2], std::atoi(args[3].c_str()),
                            std::atoi(args[4].c_str()));
    }
    if (cmd == "pings") {
        need(3);
        return cmd_pings(target, bind, std::atoi(args[2].c_str()));
    }
    if (cmd == "hold") {
        need(5);
        return cmd_hold(target, bind, args[2], std::atoi(args[3].c_str()),
                        std::atoi(args[4].c_str()));
    }
    die("unknown command " + cmd);
}
