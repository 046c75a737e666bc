// The manifest of one job: what a runner's sandbox must hold for the compile to see exactly
// what it sees here. The wrapper names files by the paths the compiler used (lexical, maybe
// through symbolic links); the manifest has each file once at its physical path, the links
// that lead there, the directories the compile searches, and the compiler itself.
#pragma once

#include "coordinator/dir_links.hpp"
#include "coordinator/file_store.hpp"
#include "ipc/messages.hpp"
#include "remote/protocol/messages.hpp"
#include "util/result.hpp"

#include <string>
#include <unordered_set>
#include <vector>

namespace ferry::coordinator {

struct Manifest {
    std::vector<proto::FileEntry> files;
    std::vector<proto::SymlinkEntry> links;
    std::vector<std::string> directories;
    // Not sent: what the include analysis' proof of an -MMD unit checks (include_proof.hpp).
    // The files shipped only because a __has_include names them (among the last ones of
    // `files`), counting only those a name in `has_include_names` names when it was given.
    size_t has_include_files = 0;
    // Every directory the compile looks a name up in (the search directories and those of
    // the shipped files), physical, sorted.
    std::vector<std::string> searched;
};

// Errc::compile_locally when a file cannot be read or a path cannot be resolved. Every
// directory the compile searches that exists here is in the manifest (built-in, -I, -iquote,
// -isystem, -idirafter: -Wmissing-include-dirs and the search order see them), with the
// symbolic links found in it and in the directories of the files it includes.
// `has_include_names`: the names of the __has_include the include analysis evaluated (a
// served -MMD unit); null when nothing says which of the files' uses the compile evaluates.
Result<Manifest> build_manifest(FileStore& files, DirLinks& dir_links,
                                const proto::IpcCompile& request,
                                const std::unordered_set<std::string>* has_include_names = nullptr);

} // namespace ferry::coordinator
