#include "remote/runner/outputs.hpp"

#include "remote/runner/job_root.hpp"
#include "remote/runner/mirror.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>

namespace ferry::runner {

Result<std::string> output_location(std::string_view root, std::string_view cwd,
                                    std::string_view output) {
    if (output.empty()) return make_error(Errc::refused, "an output path is empty");
    if (cwd.empty() || cwd[0] != '/')
        return make_error(Errc::refused, "working directory '{}' is not absolute", cwd);
    std::string spelled =
        output[0] == '/' ? std::string(output) : std::string(cwd) + "/" + std::string(output);
    if (!stays_within(spelled))
        return make_error(Errc::refused, "output '{}' climbs out of the root", output);
    std::string normal = normalize_path(spelled);
    if (normal == "/") return make_error(Errc::refused, "output '{}' names no file", output);
    return mirrored_path(root, normal);
}

Result<std::vector<proto::OutputFile>> collect_outputs(std::string_view root, std::string_view cwd,
                                                       const std::vector<std::string>& outputs,
                                                       size_t max_size) {
    std::vector<proto::OutputFile> files;
    for (const auto& out : outputs) {
        FERRY_TRY(location, output_location(root, cwd, out));
        struct stat st {};
        // lstat: a compile cannot trick us into following a link it made out of the mirror.
        if (::lstat(location->c_str(), &st) != 0) {
            if (errno == ENOENT || errno == ENOTDIR) continue;
            return errno_error("stat " + *location, errno);
        }
        if (!S_ISREG(st.st_mode))
            return make_error(Errc::invalid, "output '{}' is not a regular file", out);
        FERRY_TRY(data, read_file(*location, max_size));
        files.push_back({out, std::move(*data)});
    }
    return files;
}

Result<std::vector<proto::OutputFile>>
collect_sandbox_outputs(const SandboxSpec& spec, const std::string& cwd,
                        const std::vector<std::string>& outputs, size_t max_size) {
    std::vector<proto::OutputFile> files;
    for (const auto& out : outputs) {
        std::string location = written_output(spec, cwd, out);
        if (location.empty())
            return make_error(Errc::internal, "output '{}' has no writable directory", out);
        Fd fd(::open(location.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        if (!fd) {
            if (errno == ENOENT) continue; // not written (a failed compile)
            return errno_error("open " + location, errno);
        }
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0) return errno_error("stat " + location, errno);
        if (!S_ISREG(st.st_mode))
            return make_error(Errc::invalid, "output '{}' is not a regular file", out);
        if (static_cast<uint64_t>(st.st_size) > max_size)
            return make_error(Errc::invalid, "output '{}' is over {} MiB", out, max_size >> 20);
        FERRY_TRY(data, read_fd(fd.get(), max_size, location));
        files.push_back({out, std::move(*data)});
    }
    return files;
}

} // namespace ferry::runner
