// Finding and reading back the files a compile wrote. An output is named as in the client's
// command line (relative to its cwd or absolute); on the runner it lives in the mirror, and
// nothing outside the mirror may ever be read back.
#pragma once

#include "remote/protocol/messages.hpp"
#include "remote/runner/sandbox.hpp"
#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::runner {

// <root> + the output's normalised client path. Errc::refused if it climbs out of the root.
Result<std::string> output_location(std::string_view root, std::string_view cwd,
                                    std::string_view output);

// Reads each output that exists (a compile that failed may have written none). Errors on a
// path that escapes, an output over `max_size`, or a read failure.
Result<std::vector<proto::OutputFile>> collect_outputs(std::string_view root, std::string_view cwd,
                                                       const std::vector<std::string>& outputs,
                                                       size_t max_size);

// The same for a sandboxed job: each output from the upper layer of its directory's overlay
// (job_root.hpp), never following a link the compile may have put there.
Result<std::vector<proto::OutputFile>>
collect_sandbox_outputs(const SandboxSpec& spec, const std::string& cwd,
                        const std::vector<std::string>& outputs, size_t max_size);

} // namespace ferry::runner
