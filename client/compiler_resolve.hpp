// Finding the real compiler. ferry is often on PATH under the compiler's own name (a
// masquerade directory of `gcc -> ferry` symlinks), so a plain PATH lookup would find ferry
// again and recurse forever. Every candidate that is ferry itself (same realpath, or the same
// file through a hard link) is skipped.
#pragma once

#include "util/result.hpp"

#include <string>
#include <string_view>

namespace ferry::client {

// realpath(/proc/self/exe), or "" if the kernel will not say.
std::string self_executable();

// True if `candidate` is the same program as `self` (a realpath from self_executable()).
bool is_same_program(const std::string& candidate, const std::string& self);

// `compiler` is a bare name (looked up on `path_env`) or a path (made absolute against
// `cwd`). Returns an absolute path that is not `self`. A path that turns out to be ferry
// itself falls back to its basename on PATH. Errc::not_found when nothing but ferry matches,
// with the message the user sees.
Result<std::string> resolve_compiler(std::string_view compiler, std::string_view path_env,
                                     const std::string& self, std::string_view cwd);

} // namespace ferry::client
