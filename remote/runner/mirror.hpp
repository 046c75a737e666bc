// The job's mirrored root (ARCHITECTURE.md, "the mirrored root"): every file the client's
// compiler read is materialised at <root> + its client path, so the compiler opens the same
// paths, spelled the same way, as on the client. Paths are kept lexical: the compiler may
// walk "12/../../../../include", so every directory such a walk passes through must exist,
// not just the normalised parent. plan_mirror() checks a whole request against the policy
// (absolute paths, nothing that climbs out of the root, size and count limits) before any
// file is touched; the rest only does what the plan says.
#pragma once

#include "remote/protocol/messages.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runner {

struct ManifestLimits {
    size_t max_files = 100000;
    uint64_t max_total_bytes = uint64_t(2) << 30;
    size_t max_path_length = 4096;
    // Components in one path (".." and "." count): real include paths are a few dozen deep;
    // a thousand-deep walk only exists to make mkdir slow.
    size_t max_path_depth = 128;
    // Distinct directories the mirror may need, ancestors included: each costs a mkdir.
    size_t max_directories = 10000;
};

// The normalised directories (client paths) that must exist for a lexical walk of the
// absolute `path` to succeed: the prefix before each ".." and, when `path` names a file,
// its normalised parent (when it names a directory, the directory itself).
// "/usr/lib/gcc/x/12/../../../../include/c++/12/iostream" (file) ->
//   {"/usr/lib/gcc/x/12", "/usr/include/c++/12"}. Errc::refused if the walk escapes "/".
Result<std::vector<std::string>> lexical_directories(std::string_view path, bool is_file);

// One client path a content goes to, with the client's mtime for it.
struct Placement {
    std::string path; // normalised client path
    int64_t mtime_ns = 0;

    bool operator==(const Placement&) const = default;
};

struct MirrorPlan {
    std::set<std::string> directories;     // normalised client paths
    std::set<std::string> every_directory; // the same with every ancestor, parents first
    std::map<std::string, std::vector<Placement>> placements; // hash -> where it goes
    std::map<std::string, uint64_t> sizes;                    // hash -> declared size
    std::map<std::string, std::string> links; // path -> target (sandboxed jobs only)
    uint64_t total_bytes = 0;
};

// Errc::refused, naming the offending entry, when the request breaks the policy.
// An unsandboxed job's compiler runs on the runner's file system with its paths re-rooted:
// paths are lexical, links are refused. A sandboxed job's mirror is its whole file system:
// the request's and its toolchain's files and links at their physical paths (no ".."), the
// directories it names, and nothing under /dev or a sandbox-reserved name.
Result<MirrorPlan> plan_mirror(const proto::JobRequest& request, const ManifestLimits& limits);
Result<MirrorPlan> plan_sandboxed_mirror(const proto::JobRequest& request,
                                         const ManifestLimits& limits);

// <root> + each planned directory, one mkdir per directory (parents first), then the links.
// No directory or link is made through a link: plan_sandboxed_mirror refused those.
// `previous`: the plan of the mirror retire_mirror changed into this one; its links that
// `plan` has too are there already.
Result<void> create_directories(const std::string& root, const MirrorPlan& plan,
                                const MirrorPlan* previous = nullptr);

struct Placed {
    size_t linked = 0;
    size_t copied = 0;
    // `source` was gone before anything was placed (the cache evicted it): nothing was.
    bool source_missing = false;
};

// Puts `source` (a cache entry) at <root> + each target, with the target's mtime, each target
// its own inode: the compiler tells files apart by inode (clang's `#pragma once`) and by mtime
// (gcc's `#pragma once`, `__TIMESTAMP__`). One target whose mtime is the entry's is a hard
// link (the cache may then evict its entry without the job noticing); every other is a copy
// given its mtime. `source`'s mtime must never change once it is linked anywhere. Two system
// calls per linked file (link, then lstat of the link for the entry's mtime), not four: a
// mirror is a hundred files or more per job, and these calls were a third of ferryd's CPU.
Result<Placed> place_file(const std::string& root, const std::vector<Placement>& targets,
                          const std::string& source);

// <root> + normalised client path.
std::string mirrored_path(std::string_view root, std::string_view client_path);

} // namespace ferry::runner
