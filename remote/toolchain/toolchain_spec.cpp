#include "remote/toolchain/toolchain_spec.hpp"

namespace ferry::remote {

proto::ToolchainSpec toolchain_spec(const compiler::Identity& identity) {
    proto::ToolchainSpec spec;
    spec.program = identity.toolchain.program;
    spec.path_env = identity.toolchain.path_env;
    for (const auto& file : identity.toolchain_files)
        spec.files.push_back({file.path, file.hash, file.size, file.mtime_ns});
    for (const auto& link : identity.toolchain.links)
        spec.links.push_back({link.path, link.target});
    return spec;
}

} // namespace ferry::remote
