// How the kernel resolves a path, step by step, with every symbolic link it passes through.
// A runner's sandbox is an image of the part of the client's file system a compile touches:
// to make "/lib/x86_64-linux-gnu/libc.so.6" (through /lib -> usr/lib) or
// "12/../../../../include" (".." is physical) resolve there exactly as here, the links are
// shipped as links and every file at its physical path.
#pragma once

#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry {

struct SymlinkSeen {
    std::string path;   // physical, normalised location of the link itself
    std::string target; // what readlink() says, verbatim

    bool operator==(const SymlinkSeen&) const = default;
};

struct PhysicalPath {
    std::string path;               // normalised, no symbolic link in any component
    std::vector<SymlinkSeen> links; // in the order the walk met them
};

// Resolves `path` (absolute, or relative to `cwd`) like open() would. Every component but
// the last must exist; the last may be missing when `may_be_missing` (an output, a
// directory a compiler searches that is absent). Errc::invalid for a loop (more than 40
// links), Errc::io for other failures.
Result<PhysicalPath> resolve_physical(std::string_view path, std::string_view cwd = "/",
                                      bool may_be_missing = false);

} // namespace ferry
