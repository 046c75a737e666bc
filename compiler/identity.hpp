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
Result<Identity> probe(const std::string& path, const std::string& name,
                       const std::string& path_env = {});

// The names a runner allows by default: gcc, g++, cc, c++, clang, clang++ and versioned
// names (gcc-12, clang++-14...) found in the directories of `path_env`, resolved once.
std::vector<Identity> probe_default_allowlist(const std::string& path_env);

} // namespace ferry::compiler
