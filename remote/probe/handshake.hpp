// The start of a runner connection as a client sees it (docs/protocol.md §5, §7): read the
// greeting, check the protocol version, answer with a ClientHello (authenticated when we
// hold a key), wait for the runner's proof or refusal. Every way it can end is a distinct
// outcome, so a tool can say which fix applies: not allowed, wrong or missing key, another
// protocol version, a peer that is not a runner at all.
#pragma once

#include "remote/probe/runner_session.hpp"
#include "remote/protocol/auth.hpp"
#include "remote/protocol/messages.hpp"

#include <optional>
#include <string>

namespace ferry::probe {

struct HandshakeOptions {
    std::string client_name = "ferry";
    std::optional<proto::auth::Key> key; // answer the runner's challenge with this key
    // Send exactly this as the answer instead (a test tool replaying or garbling answers).
    std::optional<std::string> forced_response;
    int timeout_ms = -1; // for each step (the greeting, the proof); -1: wait
};

struct Handshake {
    enum class Outcome {
        ok,
        closed,            // the peer closed before the exchange ended
        timeout,           // the peer said nothing within the timeout
        garbage,           // bytes that are not ferry frames, or an unexpected frame
        runner_error,      // the runner refused us with an ErrorMsg (`runner_error` says why)
        version,           // the runner speaks another protocol version
        no_key,            // the runner wants a key and we have none
        runner_has_no_key, // we hold a key but the runner cannot prove it has one
        bad_proof,         // the runner's proof does not match: it holds another key
        io,                // our side failed (send)
    };
    Outcome outcome = Outcome::ok;
    std::string message;      // what happened, for a person; empty when ok
    proto::RunnerHello hello; // valid once the greeting arrived (any outcome but the first few)
    bool greeted = false;
    proto::ErrorMsg runner_error; // for Outcome::runner_error
    std::string response;         // the answer we sent (auth_response)
    bool authenticated = false;   // the runner proved it holds our key
};

// Runs the exchange on `session`. Never fails as a Result: every ending is an outcome.
Handshake handshake(RunnerSession& session, const HandshakeOptions& options);

} // namespace ferry::probe
