#include "doctor/check_runners.hpp"

#include <chrono>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>

using namespace ferry;
using namespace ferry::doctor;
using Outcome = probe::Handshake::Outcome;

namespace {

RunnerProbe greeted(Outcome outcome) {
    RunnerProbe p;
    p.runner.name = "r1";
    p.runner.host = "10.0.0.1";
    p.runner.port = 3633;
    p.timeout_ms = 3000;
    p.connected = true;
    p.handshake.greeted = true;
    p.handshake.outcome = outcome;
    p.handshake.hello.slots = 2;
    p.handshake.hello.runs_toolchains = true;
    return p;
}

} // namespace

TEST_CASE("runner findings: each way a handshake ends has its own fix") {
    auto p = greeted(Outcome::ok);
    CHECK(runner_finding(p).severity == Severity::ok);
    CHECK(runner_usable(p));

    p.handshake.hello.runs_toolchains = false;
    auto sandbox = runner_finding(p);
    CHECK(sandbox.severity == Severity::problem);
    CHECK(sandbox.fix == "ferryd on 10.0.0.1 could not build its job sandbox; see its log / "
                         "docs/sandbox.md");

    auto refused = greeted(Outcome::runner_error);
    refused.handshake.runner_error.code = proto::ErrorCode::not_allowed;
    CHECK(runner_finding(refused).fix ==
          "add this machine's address to ferryd --allow on 10.0.0.1");
    CHECK(!runner_usable(refused));

    refused.handshake.runner_error.code = proto::ErrorCode::auth;
    CHECK(runner_finding(refused).what.find("unauthorised") == 0);
    CHECK(runner_finding(refused).fix.find("copy the same key file") == 0);

    CHECK(runner_finding(greeted(Outcome::no_key)).what.find("unauthorised") == 0);
    CHECK(runner_finding(greeted(Outcome::bad_proof)).what.find("unauthorised") == 0);
    CHECK(runner_finding(greeted(Outcome::runner_has_no_key)).what.find("unauthorised") == 0);
    CHECK(runner_finding(greeted(Outcome::version)).what.find("protocol version mismatch") == 0);
    CHECK(runner_finding(greeted(Outcome::garbage)).what.find("not a ferry runner") == 0);
    CHECK(runner_finding(greeted(Outcome::timeout)).severity == Severity::problem);

    RunnerProbe down;
    down.runner.name = "r2";
    down.runner.host = "10.0.0.2";
    down.runner.port = 3633;
    down.connect_error = Error{Errc::unavailable, "connect 10.0.0.2:3633: Connection refused"};
    auto unreachable = runner_finding(down);
    CHECK(unreachable.what.find("unreachable") == 0);
    CHECK(unreachable.fix.find("start ferryd on 10.0.0.2 (ferryd --listen 10.0.0.2:3633 --allow "
                               "CLIENT/32) or check the firewall") == 0);
}

TEST_CASE("a listener that never speaks costs one timeout, not a hang") {
    // A socket that listens (the kernel accepts) but never writes a byte.
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    Fd owner(fd);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 4) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    config::Runner silent;
    silent.name = "silent";
    silent.host = "127.0.0.1";
    silent.port = ntohs(addr.sin_port);
    auto start = std::chrono::steady_clock::now();
    auto probes = probe_runners({silent, silent}, 300);
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(took < std::chrono::seconds(2));
    REQUIRE(probes.size() == 2);
    CHECK(probes[0].connected);
    CHECK(probes[0].handshake.outcome == Outcome::timeout);
    CHECK(runner_finding(probes[0]).what.find("no answer") == 0);
}

namespace {

// A listener on 127.0.0.1 that answers every connection with `bytes` and keeps it open.
struct FakeRunner {
    Fd listener;
    uint16_t port = 0;
    std::thread thread;

    explicit FakeRunner(std::string bytes) {
        listener = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        REQUIRE(listener);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(listener.get(), 4) == 0);
        socklen_t len = sizeof addr;
        REQUIRE(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        port = ntohs(addr.sin_port);
        thread = std::thread([fd = listener.get(), bytes = std::move(bytes)] {
            Fd client(::accept(fd, nullptr, nullptr));
            if (!client) return;
            (void)!::send(client.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
            char sink[256];
            while (::recv(client.get(), sink, sizeof sink, 0) > 0) {
            }
        });
    }
    ~FakeRunner() {
        ::shutdown(listener.get(), SHUT_RDWR);
        thread.join();
    }
    config::Runner runner() const {
        config::Runner r;
        r.name = "fake";
        r.host = "127.0.0.1";
        r.port = port;
        return r;
    }
};

} // namespace

TEST_CASE("a runner whose frames carry another protocol version is a version mismatch") {
    proto::RunnerHello hello;
    hello.slots = 1;
    hello.runs_toolchains = true;
    std::string bytes = *proto::frame(hello);
    bytes[4] = static_cast<char>(proto::kProtocolVersion + 1); // the header's version byte
    FakeRunner fake(bytes);
    auto probes = probe_runners({fake.runner()}, 1000);
    REQUIRE(probes.size() == 1);
    CHECK(probes[0].handshake.outcome == Outcome::version);
    auto finding = runner_finding(probes[0]);
    CHECK(finding.what.find("protocol version mismatch: runner speaks protocol version") == 0);
    CHECK(finding.fix == "install the same ferry version here and on 127.0.0.1");
}

TEST_CASE("a greeting that claims a huge frame is refused at once, not read") {
    std::string header(proto::kHeaderSize, '\0');
    header.replace(0, 4, "FRY1");
    header[4] = static_cast<char>(proto::kProtocolVersion);
    header[5] = static_cast<char>(proto::MsgType::runner_hello);
    for (int i = 8; i < 16; ++i)
        header[i] = '\xff'; // 4 GiB payload and raw lengths
    FakeRunner fake(header);
    auto start = std::chrono::steady_clock::now();
    auto probes = probe_runners({fake.runner()}, 2000);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
    REQUIRE(probes.size() == 1);
    CHECK(probes[0].handshake.outcome == Outcome::garbage);
    CHECK(runner_finding(probes[0]).what.find("not a ferry runner") == 0);
}
