#include "remote/runner/mirror_reuse.hpp"

#include "util/temp_dir.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <memory>
#include <unistd.h>
#include <vector>

namespace ferry::runner {

static std::vector<Placement> sorted(std::vector<Placement> targets) {
    std::sort(targets.begin(), targets.end(), [](const Placement& a, const Placement& b) {
        return a.path != b.path ? a.path < b.path : a.mtime_ns < b.mtime_ns;
    });
    return targets;
}

std::set<std::string> kept_contents(const MirrorPlan& previous, const MirrorPlan& plan) {
    std::set<std::string> kept;
    for (const auto& [hash, targets] : plan.placements) {
        auto old = previous.placements.find(hash);
        if (old != previous.placements.end() && sorted(old->second) == sorted(targets))
            kept.insert(hash);
    }
    return kept;
}

// Everything in `job_dir` but root/: TMPDIR and the overlays' layers are the job's own.
static Result<void> clear_job_dir(const std::string& job_dir) {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(job_dir.c_str()), &::closedir);
    if (!dir) return errno_error("open " + job_dir, errno);
    std::vector<std::string> others;
    while (const dirent* entry = ::readdir(dir.get())) {
        std::string_view name = entry->d_name;
        if (name != "." && name != ".." && name != "root") others.emplace_back(name);
    }
    for (const auto& name : others)
        if (!remove_tree(job_dir + "/" + name))
            return make_error(Errc::io, "cannot remove {}/{}", job_dir, name);
    return ok();
}

static Result<void> unlink_entry(const std::string& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errno_error("unlink " + path, errno);
    return ok();
}

Result<Retired> retire_mirror(const std::string& job_dir, const MirrorPlan& previous,
                              const MirrorPlan& plan, const std::set<std::string>& kept) {
    FERRY_TRY_VOID(clear_job_dir(job_dir));
    const std::string root = job_dir + "/root";
    Retired retired;
    for (const auto& [hash, targets] : previous.placements) {
        if (kept.count(hash)) {
            retired.files_kept += targets.size();
            continue;
        }
        for (const auto& target : targets)
            FERRY_TRY_VOID(unlink_entry(mirrored_path(root, target.path)));
        retired.files_removed += targets.size();
    }
    for (const auto& [link, target] : previous.links) {
        auto now = plan.links.find(link);
        if (now == plan.links.end() || now->second != target)
            FERRY_TRY_VOID(unlink_entry(mirrored_path(root, link)));
    }
    // Children sort after their parent: backwards, each directory is empty when it comes.
    for (auto it = previous.every_directory.rbegin(); it != previous.every_directory.rend(); ++it) {
        if (*it == "/" || plan.every_directory.count(*it)) continue;
        const std::string path = mirrored_path(root, *it);
        if (::rmdir(path.c_str()) != 0 && errno != ENOENT)
            return errno_error("rmdir " + path, errno);
    }
    return retired;
}

} // namespace ferry::runner
