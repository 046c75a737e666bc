// Reusing this machine's installed compiler for the toolchain a client ships. A sandboxed
// job runs the compiler its client sends, file by file (docs/sandbox.md); on a farm whose
// machines run the same distribution, the runner already has every one of those files at
// the same path, byte for byte. Sending them anyway costs the first job on each runner the
// whole toolchain (80-240 MiB compressed on the client, carried, decompressed and hashed
// here). So before asking the client for a toolchain file, the runner looks at its own file
// at the path the client named: if it is a regular file of the same size whose content has
// the hash the client gave, that content goes into the cache as if the client had sent it.
// The content is what the hash says, so the job runs exactly the client's compiler either
// way. Only toolchain files are looked up (never a project's sources or headers), and only
// files this unprivileged daemon can read; what a client learns is whether the runner has a
// file whose whole content the client already knows.
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <string>

namespace ferry::runner {

struct ReuseCandidate {
    std::string hash; // the content the client's toolchain names
    std::string path; // where the client has it (physical), looked up here
    uint64_t size = 0;
    int64_t mtime_ns = 0; // the entry gets the client's mtime, as a shipped file does
};

// Callable from any thread. Stores the runner's file at `candidate.path` into the cache
// directory `cache_dir` (FileCache::store) when its content matches, and returns the entry's
// path; Errc::not_found when the file is missing, another kind of file, of another size or
// of other content (the client is then asked for it as usual).
Result<std::string> reuse_installed(const std::string& cache_dir, const ReuseCandidate& candidate);

} // namespace ferry::runner
