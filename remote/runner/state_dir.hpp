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

// A new state directory under `parent`, recording this process's pid.
Result<TempDir> create_state_dir(const std::string& parent);

} // namespace ferry::runner
