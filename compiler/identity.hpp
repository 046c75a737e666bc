// A compiler's identity: what makes two installations produce the same bytes. The id hashes
// the whole toolchain (compiler/toolchain.hpp: every program, library and data file a
// compile loads, with its path and content), the version and the target, so two compilers
// share an id only when a job could not tell them apart.
#pragma once

#include "compiler/toolchain.hpp"
#include "util/result.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::compiler {

struct Identity {
    std::string path;    // absolute path that was probed
    std::string name;    // the name it is called by (gcc, clang++-14...)
    std::string driver;  // "c" or "c++"
    std::string target;  // -dumpmachine
    std::string version; // first line of --version
    std::string id;      // 32 hex digits

    struct File {
        std::string path; // physical
        std::string hash; // content, 32 hex digits
        uint64_t size = 0;
        int64_t mtime_ns = 0; // the runner's mirror gives the file this mtime
    };
    ToolchainLayout toolchain;
    std::vector<File> toolchain_files; // toolchain.files with their hashes, same order
};

// `path_env`: the PATH the compiler runs with (empty: this process's PATH).
// `with_toolchain` false: a quick probe for display (a sandboxed runner that runs the
// compilers its clients ship offers its own only as information): no toolchain, and an id
// hashing the driver binary, version and target only — it matches no client's.
Result<Identity> probe(const std::string& path, const std::string& name,
                       const std::string& path_env = {}, bool with_toolchain = true);

// The names a runner allows by default: gcc, g++, cc, c++, clang, clang++ and versioned
// names (gcc-12, clang++-14...) found in the directories of `path_env`, resolved once.
std::vector<Identity> probe_default_allowlist(const std::string& path_env,
                                              bool with_toolchain = true);

} // namespace ferry::compiler
