#include "remote/runner/job_root.hpp"

#include "util/fs.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::runner {

// The directory an output is written in, spelled as the compile reaches it; the kernel
// resolves it inside the sandbox, through the client's links.
static std::string output_directory(const std::string& cwd, const std::string& output) {
    std::string spelled = output[0] == '/' ? output : cwd + "/" + output;
    return normalize_path(dirname(spelled));
}

Result<SandboxSpec> sandbox_spec(const std::string& job_dir, const proto::JobRequest& request) {
    SandboxSpec spec;
    spec.root = job_dir + "/root";
    spec.cwd = request.cwd;
    spec.tmp = job_dir + "/tmp";
    for (const auto& output : request.outputs) {
        if (output.empty()) return make_error(Errc::refused, "an output path is empty");
        std::string dir = output_directory(request.cwd, output);
        bool known = false;
        for (const auto& w : spec.writable)
            known = known || w.path == dir;
        if (known) continue;
        std::string n = std::to_string(spec.writable.size());
        spec.writable.push_back({dir, job_dir + "/upper/" + n, job_dir + "/work/" + n});
    }
    for (const auto& w : spec.writable)
        if (!is_mountable_path(w.path) || !is_mountable_path(w.upper))
            return make_error(Errc::refused,
                              "output directory '{}' has a character the sandbox cannot mount "
                              "(one of , : \\ =)",
                              w.path);
    return spec;
}

Result<void> make_sandbox_fixtures(const SandboxSpec& spec) {
    FERRY_TRY_VOID(make_dirs(spec.tmp, 0700));
    for (const auto& w : spec.writable) {
        FERRY_TRY_VOID(make_dirs(w.upper, 0755));
        FERRY_TRY_VOID(make_dirs(w.work, 0755));
    }
    for (const char* device : kSandboxDevices) {
        std::string path = spec.root + "/dev/" + device;
        // Already there in a mirror made from the job before's (mirror_reuse.hpp); never
        // through a link: no client path is under /dev.
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) return errno_error("create " + path, errno);
        ::close(fd);
    }
    return ok();
}

std::string written_output(const SandboxSpec& spec, const std::string& cwd,
                           const std::string& output) {
    std::string dir = output_directory(cwd, output);
    for (const auto& w : spec.writable)
        if (w.path == dir) return w.upper + "/" + basename(output);
    return {};
}

} // namespace ferry::runner
