#include "remote/toolchain/toolchain_spec.hpp"

#include "util/fs.hpp"

namespace ferry::remote {
namespace {

// gcc's front end for the other language: the file a job of `language` never runs.
std::string_view unused_front_end(std::string_view language) {
    if (language == "c") return "cc1plus";
    if (language == "c++") return "cc1";
    return {};
}

} // namespace

proto::ToolchainSpec toolchain_spec(const compiler::Identity& identity) {
    return toolchain_spec(identity, {});
}

proto::ToolchainSpec toolchain_spec(const compiler::Identity& identity, std::string_view language) {
    proto::ToolchainSpec spec;
    spec.program = identity.toolchain.program;
    spec.path_env = identity.toolchain.path_env;
    const std::string_view unused = unused_front_end(language);
    for (const auto& file : identity.toolchain_files) {
        if (!unused.empty() && file.path != spec.program && basename(file.path) == unused) continue;
        spec.files.push_back({file.path, file.hash, file.size, file.mtime_ns});
    }
    for (const auto& link : identity.toolchain.links)
        spec.links.push_back({link.path, link.target});
    return spec;
}

} // namespace ferry::remote
