// A compiler as the runner protocol carries it: the toolchain a probe found
// (compiler/identity.hpp) turned into JobRequest::toolchain. The coordinator sends the
// client's; a runner that runs only its installed compilers puts its own in its place.
#pragma once

#include "compiler/identity.hpp"
#include "remote/protocol/messages.hpp"

namespace ferry::remote {

proto::ToolchainSpec toolchain_spec(const compiler::Identity& identity);

} // namespace ferry::remote
