#include "integrations/ninja/wrapper_manifest.hpp"

#include "util/fs.hpp"

#include <fmt/format.h>
#include <sstream>

namespace ferry::integrations {
namespace {

// A path as a ninja manifest word: '$', ' ' and ':' are escaped with '$'.
std::string ninja_escape(const std::string& path) {
    std::string out;
    for (char c : path) {
        if (c == '$' || c == ' ' || c == ':') out += '$';
        out += c;
    }
    return out;
}

bool defines_pool(const std::string& dir, const std::string& file, const std::string& pool,
                  int depth) {
    auto text = read_file(file.empty() || file[0] == '/' ? file : join_path(dir, file));
    if (!text) return false;
    std::istringstream in(*text);
    std::string line;
    const std::string wanted = "pool " + pool;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
            line.pop_back();
        if (line == wanted) return true;
        if (depth > 0) {
            for (std::string_view kw : {"include ", "subninja "}) {
                if (line.rfind(kw, 0) == 0) {
                    std::string inc = line.substr(kw.size());
                    if (defines_pool(dir, inc, pool, depth - 1)) return true;
                }
            }
        }
    }
    return false;
}

} // namespace

std::string wrapper_manifest_text(const std::string& manifest, uint32_t local_slots,
                                  bool define_pool) {
    std::string m = ninja_escape(manifest);
    std::string out =
        "# Written by `ferry ninja` for a ninja without a jobserver client (< 1.13).\n"
        "# Edges in the ferry_local pool (links: CMake -DCMAKE_JOB_POOL_LINK=ferry_local) run at\n"
        "# most local-slots at a time while ninja runs at -j = the cluster's capacity.\n"
        "# Rewritten on every run: do not edit.\n";
    if (define_pool)
        out +=
            fmt::format("pool {}\n  depth = {}\n", kLocalPool, local_slots > 0 ? local_slots : 1);
    out += fmt::format("include {}\n", m);
    // Rebuilding the wrapper means rebuilding the project's manifest (CMake's re-run).
    out += fmt::format("build {}: phony {}\n", kWrapperManifest, m);
    return out;
}

bool manifest_defines_pool(const std::string& dir, const std::string& manifest,
                           const std::string& pool) {
    return defines_pool(dir, manifest, pool, 2);
}

Result<std::string> write_wrapper_manifest(const std::string& dir, const std::string& manifest,
                                           uint32_t local_slots) {
    bool define = !manifest_defines_pool(dir, manifest, kLocalPool);
    std::string text = wrapper_manifest_text(manifest, local_slots, define);
    std::string path = join_path(dir, kWrapperManifest);
    auto old = read_file(path);
    if (!old || *old != text) FERRY_TRY_VOID(write_file_atomic(path, text));
    return path;
}

} // namespace ferry::integrations
