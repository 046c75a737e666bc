#include "client/remote_depfile.hpp"

#include <algorithm>
#include <cerrno>
#include <sys/stat.h>

namespace ferry::client {

std::optional<std::string> depfile_keeps_scan(const compiler::Analysis& analysis, unsigned umask) {
    const std::string& depfile = analysis.depfile;
    if (depfile.empty()) return std::nullopt;
    if (std::find(analysis.outputs.begin(), analysis.outputs.end(), depfile) !=
        analysis.outputs.end())
        return "the dependency file is another output";
    if (unreplaceable_output(depfile)) return "the dependency file is not a regular file";
    struct stat st {};
    if (::lstat(depfile.c_str(), &st) != 0)
        return errno == ENOENT
                   ? std::nullopt
                   : std::optional<std::string>("the dependency file cannot be examined");
    // The compiler writes through a link and keeps the file's mode; a rename would not.
    const bool like_new =
        S_ISREG(st.st_mode) && st.st_nlink == 1 && (st.st_mode & 07777) == (0666u & ~umask);
    if (!like_new) return "the dependency file is a link or has its own mode";
    return std::nullopt;
}

unsigned current_umask() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

compiler::Analysis with_remote_depfile(compiler::Analysis analysis) {
    if (analysis.depfile.empty()) return analysis;
    analysis.remote_args = analysis.depfile_args;
    analysis.outputs.push_back(analysis.depfile);
    return analysis;
}

bool depfile_is_remote(const compiler::Analysis& analysis) {
    return !analysis.depfile.empty() && std::find(analysis.outputs.begin(), analysis.outputs.end(),
                                                  analysis.depfile) != analysis.outputs.end();
}

OutputSelection failed_compile_depfile(const OutputSelection& selection,
                                       const compiler::Analysis& analysis) {
    OutputSelection out;
    if (!depfile_is_remote(analysis)) return out;
    for (const auto* file : selection.accepted)
        if (file->path == analysis.depfile) out.accepted.push_back(file);
    return out;
}

} // namespace ferry::client
