// Writing what a runner sent back. Only the files the analysis expects are written (a
// runner must not be able to write anywhere else on this machine), each atomically, so an
// interrupted build never sees a truncated object newer than its source.
#pragma once

#include "remote/protocol/messages.hpp"
#include "util/result.hpp"

#include <string>
#include <vector>

namespace ferry::client {

struct OutputSelection {
    std::vector<const proto::OutputFile*> accepted;
    std::vector<std::string> ignored; // paths nobody asked for
};

// Keeps the outputs whose path is one of `expected` (compared as spelled: both come from
// the same analysis), the first of each.
OutputSelection select_outputs(const std::vector<proto::OutputFile>& outputs,
                               const std::vector<std::string>& expected);

// True if `path` is among the accepted outputs.
bool has_output(const OutputSelection& selection, const std::string& path);

// Writes every accepted output (mode 0666 less the umask, as the compiler would). Stops at
// the first failure.
Result<void> write_outputs(const OutputSelection& selection);

} // namespace ferry::client
