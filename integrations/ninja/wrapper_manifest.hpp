// The manifest `ferry ninja` hands ninja < 1.13 (which has no jobserver client): it defines
// the `ferry_local` pool with the local slots as its depth and includes the project's
// build.ninja, so ninja can run at -j = the cluster's capacity while edges in that pool
// (CMake: -DCMAKE_JOB_POOL_LINK=ferry_local) never exceed the local slots. A phony edge
// for the wrapper itself, depending on build.ninja, keeps CMake's regeneration working:
// ninja rebuilds build.ninja first when it is out of date, then reloads.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <string>

namespace ferry::integrations {

inline constexpr const char* kLocalPool = "ferry_local";
inline constexpr const char* kWrapperManifest = ".ferry.ninja";

// The text of the wrapper. `define_pool` false when the project defines ferry_local itself.
std::string wrapper_manifest_text(const std::string& manifest, uint32_t local_slots,
                                  bool define_pool);

// True if `manifest` (relative to `dir`) or a file it includes/subninjas defines the pool
// `pool` ("pool ferry_local" at the start of a line). Looks two levels deep.
bool manifest_defines_pool(const std::string& dir, const std::string& manifest,
                           const std::string& pool);

// Writes the wrapper into `dir` (only if its text changed, so ninja sees no new file).
Result<std::string> write_wrapper_manifest(const std::string& dir, const std::string& manifest,
                                           uint32_t local_slots);

} // namespace ferry::integrations
