// How the kernel resolves a path, step by step, with every symbolic link it passes through.
// A runner's sandbox is an image of the part of the client's file system a compile touches:
// to make "/lib/x86_64-linux-gnu/libc.so.6" (through /lib -> usr/lib) or
// "12/../../../../include" (".." is physical) resolve there exactly as here, the links are
// shipped as links and every file at its physical path.
#pragma once

#include "util/result.hpp"
#include "util/stat_cache.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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
    // The walk's lstat of `path` itself when it exists: what stat(2) of it says, as it has
    // no link to follow. A manifest hashes hundreds of files it has just resolved: this
    // spares each a second stat (FileStore::entry).
    std::optional<StatSnapshot> seen;
};

// What the walk learned of each component it passed (lstat, readlink), for walks made at
// one moment: a job's manifest resolves hundreds of headers through the same few directories
// (each of /usr/include/x86_64-linux-gnu/bits/*.h costs five lstat calls alone). Kept for
// one manifest, never longer: nothing here says when a component changes.
class ComponentMemo {
  public:
    using Clock = std::function<int64_t()>;
    // `now_ns`: read before each lstat, for the snapshots' `taken_ns` (realtime_ns; tests and
    // the FileStore a snapshot is handed to pass their own).
    explicit ComponentMemo(Clock now_ns = {});

    struct Component {
        int error = 0;          // lstat's errno, 0 when it is there
        bool link = false;      // a symbolic link, whose target is `target`
        bool directory = false; // lstat says a directory
        std::string target;
        StatSnapshot seen; // the lstat, when error is 0
    };
    const Component& component(const std::string& physical);

  private:
    Clock m_now_ns;
    std::unordered_map<std::string, Component> m_seen;
};

// Resolves `path` (absolute, or relative to `cwd`) like open() would. Every component but
// the last must exist; the last may be missing when `may_be_missing` (an output, a
// directory a compiler searches that is absent). Errc::invalid for a loop (more than 40
// links), Errc::io for other failures.
// `memo`: components seen by earlier walks of the same moment.
Result<PhysicalPath> resolve_physical(std::string_view path, std::string_view cwd = "/",
                                      bool may_be_missing = false, ComponentMemo* memo = nullptr);

} // namespace ferry
