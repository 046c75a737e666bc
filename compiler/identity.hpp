// A compiler's identity: what makes two installations produce the same bytes. The id hashes
// the driver binary, the real compiler proper it runs (cc1/cc1plus for gcc), the version
// and the target, so a job only goes to a runner whose compiler is the same build.
#pragma once

#include "util/result.hpp"

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
};

Result<Identity> probe(const std::string& path, const std::string& name);

// The names a runner allows by default: gcc, g++, cc, c++, clang, clang++ and versioned
// names (gcc-12, clang++-14...) found in the directories of `path_env`, resolved once.
std::vector<Identity> probe_default_allowlist(const std::string& path_env);

} // namespace ferry::compiler
