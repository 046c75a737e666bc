// posix_spawn's attribute and file-action objects, owned (destroyed on every path), set up
// so that a child starts with default signal dispositions and an empty signal mask whatever
// its parent has blocked or ignored (a daemon ignores SIGPIPE, ferry make blocks SIGINT for
// its signalfd). Callers add their own fd actions and flags on top.
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <spawn.h>
#include <string>
#include <vector>

namespace ferry {

struct SpawnAttrs {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    // POSIX_SPAWN_* flags beyond the signal ones this sets; `extra_flags` is OR-ed in.
    explicit SpawnAttrs(short extra_flags = 0);
    ~SpawnAttrs();
    SpawnAttrs(const SpawnAttrs&) = delete;
    SpawnAttrs& operator=(const SpawnAttrs&) = delete;
};

// Gives the child `fds` as its fds 3, 4, … (in that order) and closes every other fd >= 3
// there. The parent's own copies made on the way (so that no placement overwrites an fd a
// later one reads) are kept in `copies`, which must live until the spawn is done.
Result<void> pass_fds(SpawnAttrs& spawn, const std::vector<int>& fds, std::vector<Fd>& copies);

// argv/envp for exec: pointers into `v` (which must outlive them), null-terminated.
std::vector<char*> c_strings(const std::vector<std::string>& v);

} // namespace ferry
