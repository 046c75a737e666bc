// The argument analyser: decides whether a compiler command line can run on a runner, and
// derives the commands each side runs. Client side: analyse(). Runner side: reroot_args(),
// which enforces the argument policy (compiler/policy.hpp) and moves every path under the
// job's mirror root.
//
// Distributable: exactly one C or C++ source (compiler/languages.hpp) compiled with -c or -S,
// with options the runner's policy accepts (compiler/policy.hpp; the dependency options,
// which the client keeps for its scan, aside: under include_analysis = "on" they go to a
// sandboxed runner instead, depfile_args). Everything else (links, -E, -M alone, several sources,
// stdin, -march=native, unknown options...) runs locally, unchanged, and `reason` says why.
#pragma once

#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::compiler {

enum class Family { gcc, clang };

// "clang", "clang++-14", "x86_64-linux-gnu-clang" -> clang; everything else -> gcc.
Family family_of(std::string_view compiler_name);
// "c++" for g++, c++, clang++ (and versioned/prefixed forms), "c" otherwise.
std::string driver_of(std::string_view compiler_name);
// gcc, g++, cc, c++, clang, clang++, optionally with a target prefix (x86_64-linux-gnu-)
// and/or a version suffix (-12, -14, -14.0).
bool is_known_compiler_name(std::string_view compiler_name);

enum class MakeRulePass { none, empty_unit, source };

// What the user's depfile lists: nothing (no -MD/-MMD), every file the compile opened
// (-MD, -Wp,-MD: system headers too), or the files that are not system headers (-MMD,
// -Wp,-MMD, or both -MD and -MMD: gcc and clang then leave out headers found in system
// directories, those included from them and those after `#pragma GCC system_header`).
enum class DepRule { none, all_files, user_files };

struct Analysis {
    bool remote = false;
    std::string reason;   // why it runs locally; empty when remote
    std::string language; // "c" or "c++" (what the source compiles as)
    std::string source;   // the source argument, as given
    std::string object;   // the output (-o, or the default name a local compile uses)
    // Files the remote compile writes and the runner sends back (object, .dwo), spelled
    // as the compiler will write them (relative to cwd or absolute).
    std::vector<std::string> outputs;
    // The client-side pass: the original arguments with -c/-S replaced by -E, the output
    // sent to /dev/null, -H and -v added (to list every file read and the search path),
    // and the dependency options kept, with -MF/-MQ made explicit so the depfile is byte
    // for byte what a local compile writes (-Wp,-MD,FILE/-Wp,-MMD,FILE too). clang with
    // -MMD (and no -MD) scans without -H: its driver adds -sys-header-deps to -H, which puts
    // system headers into the depfile, and cc1's own -H leaves system headers out of the list.
    std::vector<std::string> scan_args;
    // The arguments for the runner: dependency-file options removed (the client's scan
    // writes the depfile), everything else as given.
    std::vector<std::string> remote_args;
    std::string depfile; // path the scan writes, empty if none
    DepRule dep_rule = DepRule::none;
    // The arguments for a runner that writes the depfile itself (include_analysis = "on",
    // docs/include-analysis.md): the command line as given, dependency options included,
    // so the runner's compile writes `depfile` byte for byte as a local one does.
    std::vector<std::string> depfile_args;
    // A second client pass, -M, whose make rule lists files the scan's -H does not
    // (client/forced_includes.hpp). With -include/-imacros it runs on an empty translation
    // unit (-H never lists forced includes nor what they include); for clang -MMD on the
    // source itself, because that scan has no -H at all.
    MakeRulePass make_rule_pass = MakeRulePass::none;
    // Its arguments: the original ones without the source, -c/-S, -o and dependency options.
    std::vector<std::string> make_rule_args;
    // -I/-isystem/-idirafter/-iquote directories named on the command line, as given.
    std::vector<std::string> user_include_dirs;
};

// `args` excludes the compiler itself. `env` lets the analyser send jobs local when
// variables that change include search (CPATH, C_INCLUDE_PATH...) are set.
Analysis analyse(std::string_view compiler_name, const std::vector<std::string>& args,
                 const std::vector<std::string>& env = {});

// Runner side, for a runner that compiles in a mirror directory (unsandboxed). Checks the
// arguments against the policy (compiler/policy.hpp: check_policy) and rewrites each absolute
// path the compiler would open or write to `root` + path, refusing paths that climb out of
// the root. Relative paths stay relative (the compiler runs in root + cwd). Errc::refused
// names the offending argument.
// The caller adds its own options to the result, not to `args` (they would be rerooted
// twice): -nostdinc and -isystem <root>/<dir> anywhere, but -ffile-prefix-map=<root>= before
// the result, because gcc applies the last matching map (measured) and a user's rerooted
// -ffile-prefix-map=<root>/home/u/p=. must win over it; clang applies the longest OLD.
Result<std::vector<std::string>> reroot_args(const std::vector<std::string>& args,
                                             std::string_view root, std::string_view cwd);

} // namespace ferry::compiler
