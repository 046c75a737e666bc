// What a compiler is made of, as files: the driver, the programs it runs for a compile
// (cc1/cc1plus, as, objcopy for -gsplit-dwarf), the dynamic loader and every shared library
// they load, and the data they read besides the sources (the loader's cache, locales,
// clang's resource files). A runner's sandbox holds exactly these files at exactly these
// paths, so a remote job runs the client's own compiler and needs none installed; and the
// identity of a compiler is the hash of this list, so two toolchains that could produce
// different bytes never share an identity.
#pragma once

#include "util/physical_path.hpp"
#include "util/result.hpp"

#include <string>
#include <vector>

namespace ferry::compiler {

struct ToolchainLayout {
    std::string program;  // what a job executes: the compiler's path as the client runs it
    std::string path_env; // PATH the driver searches (for `as`, `objcopy`)
    std::vector<std::string> files; // physical paths of regular files, sorted, unique
    std::vector<SymlinkSeen> links; // the links between the paths used and the files, sorted
};

// Finds what `program` (absolute) loads and runs for a compile. `family_gcc`: the driver
// runs cc1/cc1plus/as/objcopy found through -print-prog-name; clang compiles in-process and
// runs `as`/`objcopy` only for some options. `path_env` is the PATH the compiler runs with.
// Errc::compile_locally when the toolchain cannot be described (a library the loader cannot
// find without LD_LIBRARY_PATH, a program that is not there...).
Result<ToolchainLayout> discover_toolchain(const std::string& program, bool family_gcc,
                                           const std::string& path_env);

// The shared objects an ELF program loads (with its interpreter), as the dynamic loader of
// this machine resolves them, from `ld.so --list`-style output. Exposed for tests.
std::vector<std::string> parse_loader_trace(std::string_view trace);

} // namespace ferry::compiler
