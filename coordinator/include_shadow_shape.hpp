// What the include analysis (coordinator/includes/) needs to know about one command line,
// in shadow mode: which options change the compiler's predefined macros (they go to one
// `-dM -E` probe per compiler and set of them), which change its search lists (one `-E -v`
// probe per compiler, directory and set of them), the forced includes, and how to lex.
// Units of one target differ in their source and outputs only, so they share both probes:
// the keys leave out everything else.
#pragma once

#include "coordinator/includes/analyser.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::coordinator {

struct ShadowShape {
    // -D/-U/-std=/-ansi/-O*/-f*/-m*/-pthread/-undef/-trigraphs/--target, in command-line order.
    std::vector<std::string> macro_args;
    // -I/-iquote/-isystem/-idirafter/-nostdinc/--sysroot/-isysroot/-stdlib=/-f*/-m*/--target/-B
    // (-f* because some -m options are refused without their -f: -mcmodel=kernel, -fno-PIE).
    std::vector<std::string> search_args;
    std::vector<includes::ForcedInclude> forced; // -imacros first, then -include (gcc's order)
    includes::LexOptions lex;
    // gcc's stdc-predef.h is not read: -nostdinc, -ffreestanding, -fpreprocessed.
    bool no_implicit_include = false;
};

// `args`: the command line without the compiler; `language`: "c" or "c++".
ShadowShape shadow_shape(const std::vector<std::string>& args, std::string_view language);

// The probes' command lines (without the compiler), run in the unit's directory.
std::vector<std::string> macro_probe_args(const ShadowShape& shape, std::string_view language);
std::vector<std::string> search_probe_args(const ShadowShape& shape, std::string_view language);

// Cache keys: `compiler` names the compiler's identity (its path and stamp). The search key
// has the directory too: relative -I directories are relative to it.
std::string macro_key(std::string_view compiler, const ShadowShape& shape,
                      std::string_view language);
std::string search_key(std::string_view compiler, std::string_view cwd, const ShadowShape& shape,
                       std::string_view language);

} // namespace ferry::coordinator
