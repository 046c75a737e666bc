// A compiler as the runner protocol carries it: the toolchain a probe found
// (compiler/identity.hpp) turned into JobRequest::toolchain. The coordinator sends the
// client's; a runner that runs only its installed compilers puts its own in its place.
//
// A job ships the toolchain its language runs: gcc's two front ends, cc1 (C) and cc1plus
// (C++), are 33 and 35 MB of the 81 MB a gcc 12 toolchain holds, and the driver runs only the
// one its source's language names (compiler/args.hpp decides "c" or "c++" as the driver does:
// -x first, then the extension, a C++ driver compiling a .c file as C++). So a C build's first
// job on a fresh runner brings 35 MB less (bench/toolchain_ship). The identity still hashes
// both: which front end is shipped changes what a job carries, not which compiler it is.
// A driver that runs the other front end after all (a `cc` that is really g++, or a wrapper
// that misstates the language) fails there with "cannot execute 'cc1plus': ... No such file
// or directory", which the coordinator reads as a missing input (runner_fault.hpp): the unit
// compiles again here, and its answer is the user's (test_toolchain_language).
#pragma once

#include "compiler/identity.hpp"
#include "remote/protocol/messages.hpp"

#include <string_view>

namespace ferry::remote {

// The whole toolchain.
proto::ToolchainSpec toolchain_spec(const compiler::Identity& identity);

// What a job of `language` needs: "c" leaves out gcc's cc1plus, "c++" its cc1; any other
// value (none known) keeps both. The program itself is never left out.
proto::ToolchainSpec toolchain_spec(const compiler::Identity& identity, std::string_view language);

} // namespace ferry::remote
