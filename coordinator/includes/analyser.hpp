// Include analysis without the preprocessor (issue 11): which files a compile opens, found by
// walking the translation unit's directives from the source, with the compiler's predefined
// macros, the forced includes and the search lists, through every `#if` branch that is taken
// or undecided. The answer is a superset of what the real compile opens (an undecided branch
// is taken both ways; extra files shipped are harmless), plus every path probed and missing
// (the answer holds while they stay absent), plus the problems that make it untrustworthy
// (a computed include it could not expand, a `_Pragma` that can change includes): a caller
// with a refusing problem must fall back to the compiler's own scan.
//
// The coordinator runs it on every unit by default (include_analysis = "on",
// coordinator/include_serve.hpp) in place of the wrapper's scan, and the runner's list of the
// files each compile opened proves the answer (coordinator/include_proof.hpp). So a source
// is hostile input here: the walk is bounded (AnalyserInput::max_work). docs/include-analysis.md
// has the design.
#pragma once

#include "coordinator/includes/directive_cache.hpp"
#include "coordinator/includes/search_path.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::includes {

// The bound on a walk's work (AnalyserInput::max_work). Measured at -O2: <bits/stdc++.h>
// costs 173 000, LLVM's IRBuilder.h with it 304 000. A 5 KB header that includes itself twice
// under an undecided condition is visited 200 000 times (the bound on visits); with 150
// #defines in it that took 8 s and 3 GB, with 300 _Pragma("once") 54 s and 12 GB, with one
// costly #if some 20 minutes. Under this bound each stops within 0.35 s and 130 MB.
inline constexpr uint64_t k_max_walk_work = 5000000;

struct ForcedInclude {
    std::string name;
    bool macros_only = false; // -imacros (its includes are still opened)
};

struct AnalyserInput {
    std::string source; // as on the command line
    std::string cwd;    // the compile's working directory: relative paths start here
    SearchLists lists;
    // The compiler's predefined macros (`-dM -E` output) and the command line's -D/-U as
    // #define/#undef lines, in order.
    std::string predefined;
    std::vector<std::string> implicit_includes; // gcc's <stdc-predef.h>
    std::vector<ForcedInclude> forced;          // -imacros first, then -include, as gcc does
    LexOptions lex;
    // What the walk may cost: each file visited (1 + its path's length, + its _Pragmas), each
    // directive walked (1 + its tokens), each problem recorded (1 + its text), each macro
    // expansion step and token moved. Past it the walk stops and the answer is refused ("the
    // walk is too large"). Tests and the fuzzer set a smaller one.
    uint64_t max_work = k_max_walk_work;
};

struct Problem {
    std::string file;
    uint32_t line = 0;
    std::string what;
    // True: the answer may miss a file; the caller must fall back to the compiler's scan.
    // False: reported for the record (a `_Pragma` whose argument is known only where its
    // macro is used).
    bool refuse = false;
};

struct Analysis {
    std::vector<std::string> files;  // every file it would open or ask about, as spelled
    std::vector<std::string> probes; // paths probed that did not exist, as spelled
    // The names (between the quotes or brackets) of every __has_include or
    // __has_include_next the walk evaluated: one in a group it decided the compile skips is
    // not among them.
    std::vector<std::string> has_include_names;
    std::vector<Problem> problems;
    bool trustworthy() const;
};

class WalkMemo;

// `memo`: headers' visits remembered across calls (walk_memo.hpp); null walks everything.
Analysis analyse(FileSystem& fs, DirectiveCache& cache, const AnalyserInput& input,
                 WalkMemo* memo = nullptr);

} // namespace ferry::includes
