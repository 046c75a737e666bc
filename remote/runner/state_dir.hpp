// ferryd's private state directory ($TMPDIR/ferryd-XXXXXX: job directories and, unless
// --cache-dir is given, the file cache). A ferryd that exits removes its own; one that was
// killed cannot, so each records its pid there and the next ferryd to start under the same
// parent removes the directories whose ferryd is gone.
#pragma once

#include "util/result.hpp"
#include "util/temp_dir.hpp"

#include <string>
#include <vector>

namespace ferry::runner {

// Removes every `<parent>/ferryd-*` whose recorded ferryd no longer runs (directories
// without a pid record, or of another user, are left alone) and returns their paths.
std::vector<std::string> sweep_stale_state_dirs(const std::string& parent);

// Where the state directory goes: `$TMPDIR` when set (absolute); otherwise, when the cache
// is private (it lives in the state directory), /dev/shm if that is a tmpfs this process may
// write, else /tmp. Every job creates and removes a mirror of some hundred directories and
// links: on ext4 the inode allocator's search for a free inode among recently deleted ones
// cost ferryd ~10% of the runner's CPU (measured: bench/farm/RESULTS.md, "lean runner"),
// on tmpfs nothing. A cache kept on disk (--cache-dir) keeps the jobs beside /tmp as
// before: a mirror hard-links cache entries, which cannot cross file systems.
std::string default_state_parent(const char* tmpdir_env, bool private_cache);

// A new state directory under `parent`, recording this process's pid.
Result<TempDir> create_state_dir(const std::string& parent);

} // namespace ferry::runner
