// Shadow mode's judgement of one unit: the include analysis' file set against the client's
// scan (what the compile really opened). The analysis must be a superset: a file the scan
// lists and the analysis does not is a miss, the bug shadow mode is there to find before the
// analysis may replace the scan. An analysis that refused (a computed include it could not
// expand, a `_Pragma` it cannot place) is counted apart: the caller would have fallen back.
#pragma once

#include "coordinator/includes/analyser.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::coordinator {

enum class ShadowVerdict { superset, missed, refused };

struct ShadowComparison {
    ShadowVerdict verdict = ShadowVerdict::superset;
    size_t extra = 0;                 // in the analysis, not in the scan
    std::vector<std::string> missing; // in the scan, not in the analysis (absolute, scan order)
    std::string refused_because;      // the first refusing problem, "file:line: what"
};

// `path` made absolute against `cwd` without resolving "..": only "." components and doubled
// slashes go (the client's spelling of IpcCompile::files, client/scan_files.hpp).
std::string lexical_absolute(std::string_view cwd, std::string_view path);

// `scan_files`: IpcCompile::files (absolute). The analysis' files are spelled as the compiler
// would, relative to `cwd`. A refused analysis is "refused" even when it happens to cover
// the scan: its answer could not have been used.
ShadowComparison compare_with_scan(const std::vector<std::string>& scan_files,
                                   const includes::Analysis& analysis, std::string_view cwd);

const char* verdict_name(ShadowVerdict verdict);

} // namespace ferry::coordinator
