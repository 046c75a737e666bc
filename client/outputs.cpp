#include "client/outputs.hpp"

#include "util/fs.hpp"

#include <algorithm>
#include <cerrno>
#include <sys/stat.h>

namespace ferry::client {

OutputSelection select_outputs(const std::vector<proto::OutputFile>& outputs,
                               const std::vector<std::string>& expected) {
    OutputSelection selection;
    for (const auto& out : outputs) {
        const bool wanted = std::find(expected.begin(), expected.end(), out.path) != expected.end();
        if (wanted && !has_output(selection, out.path))
            selection.accepted.push_back(&out);
        else
            selection.ignored.push_back(out.path);
    }
    return selection;
}

bool has_output(const OutputSelection& selection, const std::string& path) {
    return std::any_of(selection.accepted.begin(), selection.accepted.end(),
                       [&](const proto::OutputFile* f) { return f->path == path; });
}

namespace {

const char* kind_of(mode_t mode) {
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a fifo";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISDIR(mode)) return "a directory";
    return "not a regular file";
}

} // namespace

std::optional<std::string> unreplaceable_output(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno != ENOENT) return path + " cannot be examined";
        // No directory to write it in: the compiler's own error message is the answer, and
        // only a local compile gives it.
        std::string dir = dirname(path);
        if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            return path + " is in no directory";
        return std::nullopt;
    }
    if (S_ISREG(st.st_mode)) return std::nullopt;
    if (!S_ISLNK(st.st_mode)) return path + " is " + kind_of(st.st_mode);
    // A dangling symlink: gcc's assembler writes through it (creating the target), clang
    // replaces it. Only a local compile does what the local compiler does.
    if (::stat(path.c_str(), &st) != 0) return path + " is a symbolic link to nothing";
    if (!S_ISREG(st.st_mode)) return path + " is a symbolic link to " + kind_of(st.st_mode);
    return std::nullopt;
}

std::optional<std::string> first_unreplaceable_output(const std::vector<std::string>& outputs) {
    for (const auto& path : outputs)
        if (auto why = unreplaceable_output(path)) return why;
    return std::nullopt;
}

Result<void> write_outputs(const OutputSelection& selection) {
    for (const auto* out : selection.accepted) {
        // Checked again just before the rename: the wrapper looked before the job went out.
        if (auto why = unreplaceable_output(out->path))
            return make_error(Errc::compile_locally, "{}; not replacing it", *why);
        FERRY_TRY_VOID(write_file_atomic(out->path, out->data, 0666));
    }
    return ok();
}

} // namespace ferry::client
