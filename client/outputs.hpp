// Writing what a runner sent back. Only the files the analysis expects are written (a
// runner must not be able to write anywhere else on this machine), each atomically, so an
// interrupted build never sees a truncated object newer than its source. Atomically means
// a rename over the path, which is what gcc (as) and clang do to a regular file or a symlink
// to one; to anything else (a device such as /dev/null, a fifo, a directory, a dangling
// symlink) the local compiler writes through the path or fails, and a rename would replace
// the node: those outputs are never written here, the compile runs locally instead.
#pragma once

#include "remote/protocol/values.hpp"
#include "util/result.hpp"

#include <optional>
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

// Why `path` cannot be replaced by a rename the way a local compile replaces it ("dev/null
// is a character device"), or nullopt when it may: it does not exist, or it is a regular
// file or a symlink to one (gcc and clang both replace such a symlink, never its target).
std::optional<std::string> unreplaceable_output(const std::string& path);

// The first of `outputs` that unreplaceable_output refuses, with the reason.
std::optional<std::string> first_unreplaceable_output(const std::vector<std::string>& outputs);

// Writes every accepted output (mode 0666 less the umask, as the compiler would). Stops at
// the first failure; an output that unreplaceable_output refuses (it changed since the
// wrapper looked) is Errc::compile_locally and nothing of it is written.
Result<void> write_outputs(const OutputSelection& selection);

} // namespace ferry::client
