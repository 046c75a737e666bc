#include "remote/runner/mirror.hpp"

#include "remote/runner/sandbox.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::runner {

Result<std::vector<std::string>> lexical_directories(std::string_view path, bool is_file) {
    if (path.empty() || path[0] != '/')
        return make_error(Errc::refused, "'{}' is not an absolute path", path);
    // A normalised path (every path of a sandboxed job's manifest) cannot climb out and has
    // one deepest directory: no walk, no set.
    if (is_normal_absolute(path)) {
        if (!is_file) return std::vector<std::string>{std::string(path)};
        if (path.size() == 1) return make_error(Errc::refused, "'{}' names no file", path);
        const size_t slash = path.rfind('/');
        return std::vector<std::string>{std::string(slash == 0 ? "/" : path.substr(0, slash))};
    }
    if (!stays_within(path)) return make_error(Errc::refused, "'{}' climbs out of the root", path);
    // The normalised directory walked so far, kept as one string and the lengths to cut it
    // back to: each step costs its own length, so the walk is linear in the path.
    std::string dir = "/";
    std::vector<size_t> cut;
    std::set<std::string> out;
    for (auto part : path_components(path)) {
        if (part == ".") continue;
        if (part == "..") {
            // The kernel resolves ".." physically: the directory it leaves must exist.
            out.insert(dir);
            dir.resize(cut.back());
            cut.pop_back();
            continue;
        }
        cut.push_back(dir.size());
        if (dir.size() > 1) dir += '/';
        dir += part;
    }
    if (is_file) {
        if (cut.empty()) return make_error(Errc::refused, "'{}' names no file", path);
        dir.resize(cut.back());
    }
    out.insert(dir);
    // make_dirs creates ancestors anyway: keep only the deepest directories. In sorted order
    // the descendants of D are the strings from D + "/" on that start with it.
    std::vector<std::string> deepest;
    for (const auto& d : out) {
        const std::string prefix = d == "/" ? d : d + '/';
        auto next = out.lower_bound(prefix);
        if (next != out.end() && *next == d) ++next;
        if (next != out.end() && next->compare(0, prefix.size(), prefix) == 0) continue;
        deepest.push_back(d);
    }
    return deepest;
}

std::string mirrored_path(std::string_view root, std::string_view client_path) {
    std::string normal = normalize_path(client_path);
    if (normal == "/") return std::string(root);
    return std::string(root) + normal;
}

static bool has_nul(std::string_view s) {
    return s.find('\0') != std::string_view::npos;
}

static Result<void> add_directories(MirrorPlan& plan, std::string_view path, bool is_file,
                                    const ManifestLimits& limits) {
    if (path.size() > limits.max_path_length)
        return make_error(Errc::refused, "path of {} bytes is over the limit of {}", path.size(),
                          limits.max_path_length);
    if (has_nul(path)) return make_error(Errc::refused, "path contains a NUL byte");
    const size_t depth = is_normal_absolute(path) ? static_cast<size_t>(path_depth(path))
                                                  : path_components(path).size();
    if (depth > limits.max_path_depth)
        return make_error(Errc::refused, "path of {} components is over the limit of {}", depth,
                          limits.max_path_depth);
    FERRY_TRY(dirs, lexical_directories(path, is_file));
    for (auto& dir : *dirs) {
        if (!plan.directories.insert(dir).second) continue;
        // Ancestors up to the first one already known: each directory is counted once.
        for (std::string d = dir; plan.every_directory.insert(d).second && d != "/";
             d = dirname(d)) {
            if (plan.every_directory.size() > limits.max_directories)
                return make_error(Errc::refused, "the mirror needs more than {} directories",
                                  limits.max_directories);
        }
    }
    return ok();
}

// Places each file of `files` in the plan; `hash_at` maps normalised paths to content.
// The path a sorted set or map is ordered by.
static const std::string& key_of(const std::string& path) {
    return path;
}
template <typename V> static const std::string& key_of(const std::pair<const std::string, V>& kv) {
    return kv.first;
}

// A sandboxed job's paths are physical: absolute, normalised, outside what the sandbox
// itself puts in the job's root.
static Result<void> check_sandbox_path(std::string_view path, std::string_view what) {
    if (path.empty() || path[0] != '/' || normalize_path(path) != path)
        return make_error(Errc::refused, "{} '{}' is not an absolute, normalised path", what, path);
    if (path == "/dev" || path.rfind("/dev/", 0) == 0)
        return make_error(Errc::refused, "{} '{}' is under /dev, which the sandbox provides", what,
                          path);
    for (auto part : path_components(path))
        if (part == std::string_view(kSandboxTmp + 1) ||
            part == std::string_view(kSandboxOldRoot + 1))
            return make_error(Errc::refused, "{} '{}' uses a name the sandbox reserves", what,
                              path);
    return ok();
}

// `check` vets each path first, so a hostile manifest is refused at its first bad entry.
using PathCheck = Result<void> (*)(std::string_view path, std::string_view what);

static Result<void> add_files(MirrorPlan& plan, const std::vector<proto::FileEntry>& files,
                              std::map<std::string, std::string>& hash_at,
                              const ManifestLimits& limits, PathCheck check = nullptr) {
    for (const auto& f : files) {
        if (check) FERRY_TRY_VOID(check(f.path, "file"));
        if (!is_hash_hex(f.hash))
            return make_error(Errc::refused, "file '{}': '{}' is not a content hash", f.path,
                              f.hash);
        if (f.size > limits.max_total_bytes || plan.total_bytes + f.size > limits.max_total_bytes)
            return make_error(Errc::refused, "the files add up to more than {} bytes",
                              limits.max_total_bytes);
        if (auto added = add_directories(plan, f.path, true, limits); !added)
            return make_error(Errc::refused, "file '{}': {}", f.path, added.error().message);
        std::string normal = normalize_path(f.path);
        auto [it, inserted] = hash_at.emplace(normal, f.hash);
        if (!inserted) {
            if (it->second != f.hash)
                return make_error(Errc::refused, "file '{}' is listed twice with different content",
                                  normal);
            continue;
        }
        auto [size_it, new_hash] = plan.sizes.emplace(f.hash, f.size);
        if (!new_hash && size_it->second != f.size)
            return make_error(Errc::refused, "content {} is listed with two different sizes",
                              f.hash);
        plan.placements[f.hash].push_back({normal, f.mtime_ns});
        plan.total_bytes += f.size;
    }
    return ok();
}

static Result<void> check_request_shape(const proto::JobRequest& request,
                                        const ManifestLimits& limits) {
    size_t files = request.files.size() + request.toolchain.files.size();
    if (files > limits.max_files)
        return make_error(Errc::refused, "{} files is over the limit of {}", files,
                          limits.max_files);
    if (request.cwd.empty() || request.cwd[0] != '/')
        return make_error(Errc::refused, "working directory '{}' is not absolute", request.cwd);
    return ok();
}

Result<MirrorPlan> plan_mirror(const proto::JobRequest& request, const ManifestLimits& limits) {
    MirrorPlan plan;
    FERRY_TRY_VOID(check_request_shape(request, limits));
    if (!request.links.empty())
        return make_error(Errc::refused,
                          "this runner is unsandboxed and does not recreate symbolic links ('{}')",
                          request.links.front().path);
    FERRY_TRY_VOID(add_directories(plan, request.cwd, false, limits));
    std::map<std::string, std::string> hash_at; // normalised path -> hash
    FERRY_TRY_VOID(add_files(plan, request.files, hash_at, limits));
    for (const auto& dir : request.system_include_dirs)
        if (auto added = add_directories(plan, dir, false, limits); !added)
            return make_error(Errc::refused, "system include directory '{}': {}", dir,
                              added.error().message);
    for (const auto& out : request.outputs) {
        if (out.empty()) return make_error(Errc::refused, "an output path is empty");
        std::string spelled = out[0] == '/' ? out : request.cwd + "/" + out;
        if (auto added = add_directories(plan, spelled, true, limits); !added)
            return make_error(Errc::refused, "output '{}': {}", out, added.error().message);
    }
    for (const auto& [path, hash] : hash_at)
        if (plan.directories.count(path))
            return make_error(Errc::refused, "'{}' is both a file and a directory", path);
    return plan;
}

Result<MirrorPlan> plan_sandboxed_mirror(const proto::JobRequest& request,
                                         const ManifestLimits& limits) {
    MirrorPlan plan;
    FERRY_TRY_VOID(check_request_shape(request, limits));
    FERRY_TRY_VOID(check_sandbox_path(request.cwd, "working directory"));
    FERRY_TRY_VOID(add_directories(plan, request.cwd, false, limits));
    for (const char* fixture : {"/dev", kSandboxTmp, kSandboxOldRoot})
        FERRY_TRY_VOID(add_directories(plan, fixture, false, limits));
    for (const auto& dir : request.directories) {
        FERRY_TRY_VOID(check_sandbox_path(dir, "directory"));
        FERRY_TRY_VOID(add_directories(plan, dir, false, limits));
    }
    std::map<std::string, std::string> hash_at;
    for (const auto* files : {&request.files, &request.toolchain.files})
        FERRY_TRY_VOID(add_files(plan, *files, hash_at, limits, &check_sandbox_path));
    for (const auto* links : {&request.links, &request.toolchain.links}) {
        for (const auto& link : *links) {
            FERRY_TRY_VOID(check_sandbox_path(link.path, "link"));
            if (link.path == "/") return make_error(Errc::refused, "'/' cannot be a link");
            if (link.target.empty() || has_nul(link.target) ||
                link.target.size() > limits.max_path_length)
                return make_error(Errc::refused, "link '{}' has an unusable target", link.path);
            for (auto part : path_components(link.target))
                if (part == std::string_view(kSandboxTmp + 1) ||
                    part == std::string_view(kSandboxOldRoot + 1))
                    return make_error(Errc::refused, "link '{}' points at a reserved name",
                                      link.path);
            FERRY_TRY_VOID(add_directories(plan, link.path, true, limits));
            auto [it, inserted] = plan.links.emplace(link.path, link.target);
            if (!inserted && it->second != link.target)
                return make_error(Errc::refused, "link '{}' is listed twice", link.path);
        }
    }
    // The directories outputs go to must exist to be mounted on; one reached through a link
    // exists where the link leads, if the client shipped it.
    auto at_or_under_link = [&](std::string path) {
        for (; path != "/"; path = dirname(path))
            if (plan.links.count(path)) return true;
        return false;
    };
    for (const auto& out : request.outputs) {
        if (out.empty()) return make_error(Errc::refused, "an output path is empty");
        std::string dir = normalize_path(dirname(out[0] == '/' ? out : request.cwd + "/" + out));
        FERRY_TRY_VOID(check_sandbox_path(dir, "output directory"));
        if (!at_or_under_link(dir)) FERRY_TRY_VOID(add_directories(plan, dir, false, limits));
    }
    // Nothing may be made through a link: the runner builds the mirror outside the
    // sandbox, where a link's target is the runner's own file system. Each link is looked
    // up once in the sorted sets (what is at it, what is below it): the cost follows the
    // number of links, not the depth of every planned path.
    auto below = [](const auto& sorted, const std::string& link) -> const std::string* {
        const std::string prefix = link + "/";
        auto it = sorted.lower_bound(prefix);
        if (it == sorted.end()) return nullptr;
        const std::string& path = key_of(*it);
        return path.compare(0, prefix.size(), prefix) == 0 ? &path : nullptr;
    };
    for (const auto& [link, target] : plan.links) {
        if (plan.every_directory.count(link))
            return make_error(Errc::refused, "directory '{}' is a link", link);
        if (const std::string* dir = below(plan.every_directory, link))
            return make_error(Errc::refused, "directory '{}' is under a link", *dir);
        if (hash_at.count(link))
            return make_error(Errc::refused, "file '{}' collides with a link", link);
        if (const std::string* file = below(hash_at, link))
            return make_error(Errc::refused, "file '{}' is under a link", *file);
        if (const std::string* other = below(plan.links, link))
            return make_error(Errc::refused, "link '{}' is under another link", *other);
    }
    for (const auto& [path, hash] : hash_at)
        if (plan.directories.count(path))
            return make_error(Errc::refused, "file '{}' collides with a directory", path);
    return plan;
}

Result<void> create_directories(const std::string& root, const MirrorPlan& plan,
                                const MirrorPlan* previous) {
    FERRY_TRY_VOID(make_dirs(root));
    // Sorted, so a parent always comes before its children: one mkdir each.
    for (const auto& dir : plan.every_directory) {
        if (dir == "/") continue;
        std::string path = mirrored_path(root, dir);
        if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
            return errno_error("mkdir " + path, errno);
    }
    for (const auto& [link, target] : plan.links) {
        if (previous) {
            auto there = previous->links.find(link);
            if (there != previous->links.end() && there->second == target) continue;
        }
        std::string path = mirrored_path(root, link);
        if (::symlink(target.c_str(), path.c_str()) != 0)
            return errno_error("symlink " + path, errno);
    }
    return ok();
}

static int64_t mtime_ns(const struct stat& st) {
    return int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

static Result<void> set_mtime(const std::string& path, int64_t ns) {
    // Floor division: a time before 1970 still has 0 <= tv_nsec < 1e9.
    int64_t sec = ns / 1000000000, rem = ns % 1000000000;
    if (rem < 0) --sec, rem += 1000000000;
    const timespec times[2] = {{0, UTIME_OMIT}, {time_t(sec), long(rem)}};
    if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
        return errno_error("utimensat " + path, errno);
    return ok();
}

static Result<void> copy_with_mtime(const std::string& source, const std::string& dest,
                                    int64_t mtime) {
    FERRY_TRY(data, read_file(source));
    FERRY_TRY_VOID(write_file(dest, *data, 0555));
    return set_mtime(dest, mtime);
}

Result<Placed> place_file(const std::string& root, const std::vector<Placement>& targets,
                          const std::string& source) {
    Placed placed;
    bool linked = false;  // a second link would give two client files one inode
    bool can_link = true; // false once a link failed for a reason that will not change
    int64_t entry_mtime = 0;
    bool entry_known = false; // entry_mtime seen through a link: other mtimes are copied
    for (const auto& target : targets) {
        std::string dest = mirrored_path(root, target.path);
        if (!linked && can_link && (!entry_known || entry_mtime == target.mtime_ns)) {
            int link_err = ::link(source.c_str(), dest.c_str()) == 0 ? 0 : errno;
            // ENOENT with the source there after all: it was stored (renamed into place) by
            // another thread between the two calls, so once more; or the target's directory
            // is gone, which is said as such.
            if (link_err == ENOENT && ::access(source.c_str(), F_OK) == 0) {
                const std::string parent = dest.substr(0, dest.rfind('/'));
                if (::access(parent.c_str(), F_OK) != 0)
                    return make_error(Errc::io, "link {}: the mirror's directory {} is missing",
                                      dest, parent);
                link_err = ::link(source.c_str(), dest.c_str()) == 0 ? 0 : errno;
            }
            if (link_err == 0) {
                // The link is the entry's inode: its mtime is the entry's now, whatever was
                // evicted and stored again since the entry was looked up.
                struct stat got {};
                if (::lstat(dest.c_str(), &got) != 0) return errno_error("stat " + dest, errno);
                entry_mtime = mtime_ns(got);
                entry_known = true;
                if (entry_mtime == target.mtime_ns) {
                    linked = true;
                    ++placed.linked;
                    continue;
                }
                ::unlink(dest.c_str());
            } else if (link_err == ENOENT && ::access(source.c_str(), F_OK) != 0) {
                if (placed.linked + placed.copied == 0) {
                    placed.source_missing = true;
                    return placed;
                }
                return errno_error("link " + source, link_err);
            } else if (link_err != EXDEV && link_err != EPERM && link_err != EMLINK) {
                return errno_error(fmt::format("link {} to {}", source, dest), link_err);
            } else {
                can_link = false;
            }
        }
        FERRY_TRY_VOID(copy_with_mtime(source, dest, target.mtime_ns));
        ++placed.copied;
    }
    return placed;
}

} // namespace ferry::runner
