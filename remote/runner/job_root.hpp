// The job directory of a sandboxed job, outside the sandbox: root/ (the mirror, the job's
// whole file system), tmp/ (its TMPDIR), upper/N and work/N (the overlay layers that take
// what the compile writes in its N-th output directory). Decided at intake, made on the
// mirror worker's thread, read back when the compiler is done.
#pragma once

#include "remote/protocol/messages.hpp"
#include "remote/runner/sandbox.hpp"
#include "util/result.hpp"

#include <string>
#include <vector>

namespace ferry::runner {

// Where everything goes for `request` in `job_dir`. Errc::refused for an output directory
// the overlay options cannot spell.
Result<SandboxSpec> sandbox_spec(const std::string& job_dir, const proto::JobRequest& request);

// tmp/, upper/N, work/N, and the empty files under root/dev the devices are bound on.
// After the mirror's directories exist.
Result<void> make_sandbox_fixtures(const SandboxSpec& spec);

// Where the compile's `output` (as in JobRequest::outputs) is once the job is over: the
// upper layer of its directory's overlay, under the output's own name.
std::string written_output(const SandboxSpec& spec, const std::string& cwd,
                           const std::string& output);

} // namespace ferry::runner
