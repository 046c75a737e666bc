#include "remote/runner/state_dir.hpp"

#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <linux/magic.h>
#include <signal.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace ferry::runner {
namespace {

constexpr std::string_view kPrefix = "ferryd-";
constexpr const char* kPidFile = "/ferryd.pid";

// Whether the ferryd recorded in `dir` is gone for sure. A pid that now names another
// process keeps the directory: a leftover costs disk, removing a live one costs a build.
bool owner_gone(const std::string& dir) {
    auto text = read_file(dir + kPidFile, 64);
    if (!text) return false;
    pid_t pid = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), pid);
    if (ec != std::errc() || pid <= 0 || pid == ::getpid()) return false;
    return ::kill(pid, 0) != 0 && errno == ESRCH;
}

} // namespace

std::vector<std::string> sweep_stale_state_dirs(const std::string& parent) {
    std::vector<std::string> removed;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with(kPrefix) || !entry.is_directory(ec) || entry.is_symlink(ec)) continue;
        const std::string dir = entry.path().string();
        if (!owner_gone(dir)) continue;
        if (remove_tree(dir)) removed.push_back(dir);
    }
    return removed;
}

std::string default_state_parent(const char* tmpdir_env, bool private_cache) {
    if (tmpdir_env && *tmpdir_env == '/') return tmpdir_env;
    struct statfs fs {};
    if (private_cache && ::statfs("/dev/shm", &fs) == 0 && fs.f_type == TMPFS_MAGIC &&
        ::access("/dev/shm", W_OK | X_OK) == 0)
        return "/dev/shm";
    return "/tmp";
}

Result<TempDir> create_state_dir(const std::string& parent) {
    FERRY_TRY(dir, TempDir::create(parent, kPrefix));
    FERRY_TRY_VOID(write_file(dir->path() + kPidFile, std::to_string(::getpid()), 0600));
    return std::move(*dir);
}

} // namespace ferry::runner
