// The coordinator client against a scripted coordinator on a real unix socket: framing in
// both directions, the slot handshake, and what a vanished coordinator looks like.
#include "ipc/coordinator_client.hpp"
#include "tests/unit/support/fake_coordinator.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <functional>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using ferry::Fd;
using ferry::ipc::CoordinatorClient;
using ferry::test::send_all;
namespace proto = ferry::proto;

namespace {

// Serves one connection: `answer` gets each frame and returns what to send back ("" for
// nothing); returning false from it closes the connection.
using Script = std::function<bool(const proto::Frame&, std::string& reply)>;

void serve_one(int listener, Script script) {
    Fd conn(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
    if (!conn) return;
    proto::FrameDecoder decoder;
    char buf[65536];
    for (;;) {
        ssize_t n = ::recv(conn.get(), buf, sizeof buf, 0);
        if (n <= 0) return;
        if (!decoder.feed(std::string_view(buf, static_cast<size_t>(n)))) return;
        while (decoder.has_frame()) {
            std::string reply;
            bool keep = script(decoder.pop(), reply);
            if (!reply.empty()) send_all(conn.get(), reply);
            if (!keep) return;
        }
    }
}

} // namespace

TEST_CASE("nobody listening and not allowed to start one: unavailable") {
    ferry::test::FakeRuntime rt("ferry-client-coord");
    auto client = CoordinatorClient::connect(rt.config, "", false);
    REQUIRE_FALSE(client);
    CHECK(client.error().code == ferry::Errc::unavailable);
}

TEST_CASE("slots, compile, status and shutdown over the socket") {
    ferry::test::FakeRuntime rt("ferry-client-coord");
    Fd listener = rt.listen(4);
    std::vector<std::string> seen;
    proto::IpcCompile received;
    std::thread server(serve_one, listener.get(), [&](const proto::Frame& f, std::string& reply) {
        seen.push_back(proto::msg_type_name(f.type));
        switch (f.type) {
        case proto::MsgType::ipc_acquire_local: {
            auto req = proto::decode_as<proto::IpcAcquireLocal>(f);
            if (req) seen.push_back(req->what + "/" + std::to_string(req->pid));
            reply = *proto::encode_frame(proto::MsgType::ipc_granted, {});
            return true;
        }
        case proto::MsgType::ipc_compile: {
            auto req = proto::decode_as<proto::IpcCompile>(f);
            if (req) received = *req;
            proto::IpcCompileResult result;
            result.ran_remotely = true;
            result.runner = "r1";
            result.exit_code = 0;
            result.stderr_data = "warning: something\n";
            result.outputs = {{"x.o", std::string(300000, 'o')}}; // big: compressed frame
            reply = *proto::frame(result, 3);
            return true;
        }
        case proto::MsgType::ipc_status_request: {
            proto::IpcStatus status;
            status.pid = 4242;
            status.remote_capacity = 4;
            status.runners.push_back({"r1", "127.0.0.2:1", "up", 2, 1, 7, 0, "", {}, false, 0});
            reply = *proto::frame(status);
            return true;
        }
        case proto::MsgType::ipc_shutdown:
            return false;
        default:
            return true;
        }
    });

    auto client = CoordinatorClient::connect(rt.config, "", false);
    REQUIRE(client);
    proto::IpcAcquireLocal scan;
    scan.what = "preprocess";
    CHECK(client->acquire_local(scan));
    CHECK(client->release_local());

    proto::IpcCompile req;
    req.compiler_path = "/usr/bin/gcc";
    req.args = {"-c", "x.c", "-o", "x.o"};
    req.files = {"/w/x.c"};
    req.outputs = {"x.o"};
    auto result = client->compile(req);
    REQUIRE(result);
    CHECK(result->ran_remotely);
    CHECK(result->runner == "r1");
    REQUIRE(result->outputs.size() == 1);
    CHECK(result->outputs[0].data.size() == 300000);

    auto status = client->status();
    REQUIRE(status);
    CHECK(status->pid == 4242);
    REQUIRE(status->runners.size() == 1);
    CHECK(status->runners[0].jobs_done == 7);

    CHECK(client->shutdown());
    server.join();
    CHECK(received == req);
    REQUIRE(seen.size() >= 6);
    CHECK(seen[0] == proto::msg_type_name(proto::MsgType::ipc_acquire_local));
    CHECK(seen[1] == "preprocess/" + std::to_string(::getpid()));
    CHECK(seen[2] == proto::msg_type_name(proto::MsgType::ipc_release_local));
    CHECK(seen.back() == proto::msg_type_name(proto::MsgType::ipc_shutdown));
}

TEST_CASE("a coordinator that dies mid-job is an error the wrapper can act on") {
    ferry::test::FakeRuntime rt("ferry-client-coord");
    Fd listener = rt.listen(4);
    std::thread server(serve_one, listener.get(), [](const proto::Frame& f, std::string&) {
        return f.type != proto::MsgType::ipc_compile; // close on compile
    });
    auto client = CoordinatorClient::connect(rt.config, "", false);
    REQUIRE(client);
    auto result = client->compile(proto::IpcCompile{});
    server.join();
    REQUIRE_FALSE(result);
    CHECK(result.error().code == ferry::Errc::unavailable);
}

// The coordinator sends no `error` frame (docs/protocol.md §6); one is an unexpected frame,
// never read as the answer.
TEST_CASE("an error frame from the coordinator is reported, not misread") {
    ferry::test::FakeRuntime rt("ferry-client-coord");
    Fd listener = rt.listen(4);
    std::thread server(serve_one, listener.get(), [](const proto::Frame&, std::string& reply) {
        reply = *proto::encode_frame(proto::MsgType::error, "\x01\0\0\0\0\0\0\0");
        return false;
    });
    auto client = CoordinatorClient::connect(rt.config, "", false);
    REQUIRE(client);
    auto status = client->status();
    server.join();
    REQUIRE_FALSE(status);
    CHECK(status.error().code == ferry::Errc::protocol);
    CHECK(status.error().message == "expected a ipc_status frame, got error");
}
