// The compiler's include search lists, remembered between wrapper runs. Every remote job
// needs them (the runner mirrors the compiler's built-in directories), but asking for them
// (-v on the scan) costs a third of a tiny compile's preprocessing time, and they depend
// only on the compiler, the working directory, the environment that names directories, the
// language the source compiles as (the source's extension, which the shape drops, decides
// it as much as -x does: C++ adds libstdc++'s directories) and the command line's shape. So the
// first scan of a shape runs with -v and leaves the lists in the runtime directory; later scans of
// that shape run without it. A remembered entry is used only while every directory it lists still
// exists and every directory the compiler skipped as nonexistent is still absent: a directory that
// appears can change the search order, and then the entry is scanned afresh.
#pragma once

#include "compiler/scan.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::client {

struct SearchShape {
    std::string compiler_path; // the real compiler (its size, mtime and inode count too)
    std::string cwd;
    std::vector<std::string> args; // the command line without the per-file words
    std::vector<std::string> env;  // the environment (only the variables gcc and clang read)
    // "c" or "c++": what the source compiles as (compiler::Analysis::language), which the
    // shape cannot tell once the source's name is gone.
    std::string language;
};

// The per-file words of a compile (source, output files) and the macro definitions
// (-D, -U: they never change a search list) dropped from `args`, so that every file of a
// target shares one entry. Everything else that moves the built-in list stays: -x, -std,
// -nostdinc, -nostdinc++, --sysroot, -isysroot, -stdlib=, --target, -m32/-m64...
std::vector<std::string> shape_args(const std::vector<std::string>& args, std::string_view source,
                                    const std::vector<std::string>& outputs);

// Hex digest naming the entry; empty when the compiler cannot be stat'ed.
std::string search_shape_key(const SearchShape& shape);

// The remembered lists (quote_dirs, angle_dirs, missing_dirs filled; headers empty), or
// nullopt when there is none or it no longer holds.
std::optional<compiler::ScanResult> load_search_paths(const std::string& dir,
                                                      const std::string& key, std::string_view cwd);

// Best effort: a cache that cannot be written only costs the next scan its -v.
void store_search_paths(const std::string& dir, const std::string& key,
                        const compiler::ScanResult& scan);

} // namespace ferry::client
