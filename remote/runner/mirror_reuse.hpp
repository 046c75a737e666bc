// A finished job's mirror made into the next job's (ARCHITECTURE.md, "the mirrored root").
// The jobs of one build share most of their files: every OpenSSL unit ships the same
// toolchain and most of the same headers, so building each mirror from nothing and removing
// it afterwards (a link, an lstat and an unlink per file, mkdir and rmdir per directory) was
// most of ferryd's own CPU per job, and every job's compiler met its headers through cold
// directory entries. Here the mirror a job leaves is changed into the next one's: what the
// new plan does not have is removed, what it has that is not there is made, and a content
// whose every placement (paths and mtimes) is unchanged stays as it is. The result holds
// exactly the new plan's files, links and directories, as a mirror built from nothing does:
// the sandbox mounts it read-only, so a job cannot have changed it, and everything else in
// the job directory (TMPDIR, the overlays' layers) is removed and made again.
//
// Blocking file-system calls: run on the mirror worker's thread (mirror_worker.hpp).
#pragma once

#include "remote/runner/mirror.hpp"
#include "util/result.hpp"

#include <set>
#include <string>

namespace ferry::runner {

// The contents (hashes) of `plan` that `previous` placed at exactly the same paths with the
// same mtimes: those files stay. A content with one placement more or less is placed again
// whole, so each path keeps its own inode (place_file links at most one of them).
std::set<std::string> kept_contents(const MirrorPlan& previous, const MirrorPlan& plan);

struct Retired {
    size_t files_kept = 0;
    size_t files_removed = 0;
};

// Turns the job directory `job_dir`, whose root/ holds `previous`'s mirror complete, into
// one where root/ holds only `plan`'s kept contents, the links both plans share and the
// directories `plan` needs (the caller then creates the rest as for a new mirror:
// create_directories with `previous`, place_file). Every other entry of `job_dir` is
// removed. On error the directory is in between: the caller starts from nothing.
Result<Retired> retire_mirror(const std::string& job_dir, const MirrorPlan& previous,
                              const MirrorPlan& plan, const std::set<std::string>& kept);

} // namespace ferry::runner
