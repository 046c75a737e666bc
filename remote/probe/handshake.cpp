#include "remote/probe/handshake.hpp"

#include <fmt/format.h>

namespace ferry::probe {

namespace {

using Outcome = Handshake::Outcome;

Handshake& finish(Handshake& h, Outcome outcome, std::string message) {
    h.outcome = outcome;
    h.message = std::move(message);
    return h;
}

// The next frame of the exchange, or the outcome that ends it. An ErrorMsg is decoded here:
// it can come instead of the greeting (--allow) or instead of the proof (a key).
bool next_frame(RunnerSession& session, const HandshakeOptions& options, Handshake& h,
                const char* waiting_for, proto::Frame& out) {
    auto frame = session.receive(options.timeout_ms);
    if (!frame) {
        const Error& e = frame.error();
        Outcome o = e.code == Errc::timeout    ? Outcome::timeout
                    : e.code == Errc::protocol ? Outcome::garbage
                                               : Outcome::closed;
        finish(h, o,
               o == Outcome::timeout
                   ? fmt::format("sent nothing within {} ms (waiting for {})", options.timeout_ms,
                                 waiting_for)
                   : fmt::format("while waiting for {}: {}", waiting_for, e.message));
        return false;
    }
    if (!*frame) {
        finish(h, Outcome::closed,
               fmt::format("connection closed while waiting for {}", waiting_for));
        return false;
    }
    if ((*frame)->type == proto::MsgType::error) {
        auto error = proto::decode_as<proto::ErrorMsg>(**frame);
        if (!error) {
            finish(h, Outcome::garbage, fmt::format("bad error frame: {}", error.error().message));
            return false;
        }
        h.runner_error = *error;
        finish(h, Outcome::runner_error, error->message);
        return false;
    }
    out = std::move(**frame);
    return true;
}

} // namespace

Handshake handshake(RunnerSession& session, const HandshakeOptions& options) {
    Handshake h;
    proto::Frame frame;
    if (!next_frame(session, options, h, "the greeting", frame)) {
        // Another ferry's frames fail in the decoder (their header carries their version):
        // that is a version mismatch, not garbage.
        auto version = session.peer_frame_version();
        if (h.outcome == Outcome::garbage && version && *version != proto::kProtocolVersion)
            finish(h, Outcome::version,
                   fmt::format("runner speaks protocol version {}, we speak {}", *version,
                               proto::kProtocolVersion));
        return h;
    }
    if (frame.type != proto::MsgType::runner_hello)
        return finish(
            h, Outcome::garbage,
            fmt::format("expected a greeting, got a {} frame", proto::msg_type_name(frame.type)));
    auto hello = proto::decode_as<proto::RunnerHello>(frame);
    if (!hello)
        return finish(h, Outcome::garbage, fmt::format("bad greeting: {}", hello.error().message));
    h.hello = std::move(*hello);
    h.greeted = true;
    if (h.hello.protocol_version != proto::kProtocolVersion)
        return finish(h, Outcome::version,
                      fmt::format("runner speaks protocol version {}, we speak {}",
                                  h.hello.protocol_version, proto::kProtocolVersion));

    proto::ClientHello reply;
    reply.client_name = options.client_name;
    std::string expected_proof;
    if (options.forced_response) {
        reply.auth_response = *options.forced_response;
    } else if (options.key) {
        auto answer =
            proto::auth::answer_challenge(*options.key, h.hello.challenge, reply.client_name);
        if (!answer) return finish(h, Outcome::runner_has_no_key, answer.error().message);
        reply.auth_response = answer->response;
        expected_proof = answer->expected_proof;
    }
    h.response = reply.auth_response;
    if (auto sent = session.send(reply, options.timeout_ms); !sent)
        return finish(h, Outcome::io, sent.error().message);
    // A runner without a key starts serving at once: nothing more comes.
    if (h.hello.challenge.empty()) return h;

    // A runner with a key answers with its proof or an error: wait for it.
    if (!next_frame(session, options, h, "the runner's proof", frame)) {
        if (h.outcome == Outcome::runner_error && h.runner_error.code == proto::ErrorCode::auth &&
            !options.key && !options.forced_response)
            h.outcome = Outcome::no_key;
        return h;
    }
    if (frame.type != proto::MsgType::auth_proof)
        return finish(h, Outcome::garbage,
                      fmt::format("expected the runner's proof, got a {} frame",
                                  proto::msg_type_name(frame.type)));
    auto proof = proto::decode_as<proto::AuthProof>(frame);
    if (!proof)
        return finish(h, Outcome::garbage,
                      fmt::format("bad authentication proof: {}", proof.error().message));
    if (expected_proof.empty())
        return finish(h, Outcome::bad_proof, "the runner accepted an answer made without its key");
    if (auto checked = proto::auth::check_proof(expected_proof, proof->proof); !checked)
        return finish(h, Outcome::bad_proof, checked.error().message);
    h.authenticated = true;
    return h;
}

} // namespace ferry::probe
