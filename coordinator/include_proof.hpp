// The proof step of include_analysis = "on" (docs/include-analysis.md, "The proof step"): a
// job shipped with the analysis' file list comes back with the files its compile opened (the
// runner's make rule, JobResult::opened). The sandbox held the shipped files only, so the
// remote compile read what a local one reads if every file it opened is one the analysis
// found: then each of its #includes was resolved by the analysis with the same rules over
// the client's file system. Anything else (a file the analysis did not list, a file missing
// on the runner, no list at all) is not proved, and the job compiles locally.
#pragma once

#include "remote/protocol/messages.hpp"

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace ferry::coordinator {

// The analysis' files made absolute against the unit's cwd (lexical_absolute), as compared.
using ProofFiles = std::unordered_set<std::string>;
ProofFiles proof_files(const std::vector<std::string>& files, std::string_view cwd);

struct ProofBasis {
    ProofFiles files;
    // Every directory an #include may search (absolute, as lexical_absolute spells them).
    std::vector<std::string> search_dirs;
    // The list is the user's -MMD rule (compiler::DepRule::user_files), which leaves out
    // system headers: see partial_proof_problem.
    bool partial = false;
    // The list is the user's depfile (-MD or -MMD): only a sandboxed runner takes the job.
    bool user_depfile = false;
    // Names the analysis evaluated a __has_include of (includes::Analysis): for an -MMD
    // unit, only a file one of them names can be opened without the proof seeing it.
    std::unordered_set<std::string> has_include_names;
};

struct ProofVerdict {
    bool proved = false;
    std::string why;                     // when not proved: short, for counters
    std::string detail;                  // for the log
    std::vector<std::string> unexpected; // opened, not in the analysis (absolute)
};

// `result`: a completed job (any exit code) that asked for JobRequest::list_opened.
// `compiler_files`: the job's toolchain. A file of the compiler's own that lies in no
// directory an #include searches was read by the compiler for itself, not found by a search
// (clang lists its sanitizers' ignore lists, `<resource>/share/asan_ignorelist.txt`, in the
// rule): the runner has it exactly as the client, so it proves nothing and spoils nothing.
// A proof from an -MMD rule sees only the files that are not system headers. The others
// the compile opened are in the job's sandbox, which holds the shipped files and the
// compiler's own: they are files the analysis found (and so proved as the -MD rule proves
// them) when the job ships nothing else a name could find — no file that only a
// __has_include the analysis evaluated names (one in a group it decided the compile skips
// is not evaluated by the compile either: the analysis' decided conditions are trusted here
// as for every #include), and no file of the compiler's in or below a directory the compile
// looks names up in. Otherwise why not, for the counters: the unit is scanned instead.
// `searched`: physical, as Manifest::searched. Left open: a "../name" the analysis missed
// that climbs from a system directory to a compiler program, library or locale file (no
// toolchain file is a header: compiler/toolchain.hpp) and compiles as C.
std::string partial_proof_problem(size_t has_include_files,
                                  const std::vector<std::string>& searched,
                                  const std::vector<proto::FileEntry>& shipped,
                                  const std::vector<proto::FileEntry>& compiler_files);

ProofVerdict check_proof(const ProofBasis& basis,
                         const std::vector<proto::FileEntry>& compiler_files,
                         const proto::JobResult& result, std::string_view cwd);

} // namespace ferry::coordinator
