// The part of a job's intake that reads the whole request: decoding it, the compiler and
// argument policy, and the manifest's plan (plan_mirror). Its cost follows the manifest's
// size (tens of thousands of entries), so ferryd runs it on the thread pool (MirrorWorker)
// and never on its loop, where a large manifest would delay every other client's frames.
// Everything here owns its data or shares immutable data: nothing touches the loop.
#pragma once

#include "remote/protocol/messages.hpp"
#include "remote/runner/allowlist.hpp"
#include "remote/runner/installed_reuse.hpp"
#include "remote/runner/mirror.hpp"

#include <memory>
#include <string>
#include <unordered_map>

namespace ferry::runner {

// How this runner judges a request; built once, shared read-only with the pool's threads.
struct IntakePolicy {
    CompilerAllowlist allowlist;
    bool sandboxed = true;
    bool installed_compilers_only = false;
    ManifestLimits limits;
};

struct IntakeCheck {
    enum class Verdict {
        accepted,       // request, installed and plan are set
        refused,        // answered JobStatus::refused with `message`
        protocol_error, // the payload is malformed: the connection ends with `message`
    };

    // In.
    uint64_t connection_id = 0;
    uint64_t job_id = 0; // peeked from the payload, so the loop could answer before decoding
    std::string payload; // the job_request frame's
    std::shared_ptr<const IntakePolicy> policy;
    // Out.
    Verdict verdict = Verdict::protocol_error;
    std::string message;
    proto::JobRequest request; // its file lists are cleared: `plan` holds what they said
    const compiler::Identity* installed = nullptr; // in policy->allowlist
    MirrorPlan plan;
    // A sandboxed job's toolchain files by hash, which the runner may take from its own
    // identical files instead of asking the client (installed_reuse.hpp).
    std::unordered_map<std::string, ReuseCandidate> toolchain;
};

// Callable from any thread. Frees what it decoded before it returns a refusal, so not even
// the freeing of a hostile manifest is left to the loop.
void check_intake(IntakeCheck& check);

} // namespace ferry::runner
