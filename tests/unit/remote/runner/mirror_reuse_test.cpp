#include "remote/runner/job_root.hpp"
#include "remote/runner/mirror_pool.hpp"
#include "remote/runner/mirror_reuse.hpp"
#include "remote/runner/mirror_worker.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/temp_dir.hpp"

#include <dirent.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::runner;

namespace {

constexpr int64_t kEntryMtime = int64_t(1000) * 1000000000; // every cache entry's

// What a mirror holds, inode numbers aside: for each path under root/, its kind and its
// content (or target) and mtime — but for the empty files under /dev the devices are bound
// on, whose own mtime no job sees (each mirror made them at its own time: the second could
// change between two mirrors, as it once did in CI).
using Listing = std::map<std::string, std::string>;

void list_into(const std::string& root, const std::string& rel, Listing& out) {
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir((root + rel).c_str()), &::closedir);
    REQUIRE(dir);
    while (const dirent* e = ::readdir(dir.get())) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        std::string path = rel + "/" + name;
        struct stat st {};
        REQUIRE(::lstat((root + path).c_str(), &st) == 0);
        if (S_ISDIR(st.st_mode)) {
            out[path] = "dir";
            list_into(root, path, out);
        } else if (S_ISLNK(st.st_mode)) {
            char target[4096];
            ssize_t n = ::readlink((root + path).c_str(), target, sizeof target);
            REQUIRE(n > 0);
            out[path] = "link " + std::string(target, size_t(n));
        } else {
            auto data = read_file(root + path);
            REQUIRE(data);
            const bool device = path.rfind("/dev/", 0) == 0;
            out[path] = "file " + *data +
                        (device ? std::string() : " @" + std::to_string(st.st_mtim.tv_sec));
        }
    }
}

Listing listing(const std::string& root) {
    Listing out;
    list_into(root, "", out);
    return out;
}

ino_t inode(const std::string& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_ino;
}

struct Fixture {
    TempDir tmp = std::move(*TempDir::create("/tmp", "ferry-mirror-reuse-"));
    std::map<std::string, std::string> blobs; // hash -> cache entry

    proto::FileEntry file(const std::string& path, const std::string& content,
                          int64_t mtime_ns = kEntryMtime) {
        std::string hash = hash_hex(content);
        if (!blobs.count(hash)) {
            std::string blob = tmp.path() + "/blob-" + hash;
            REQUIRE(write_file(blob, content, 0444));
            const timespec times[2] = {{0, UTIME_OMIT}, {kEntryMtime / 1000000000, 0}};
            REQUIRE(::utimensat(AT_FDCWD, blob.c_str(), times, 0) == 0);
            blobs[hash] = blob;
        }
        return {path, hash, content.size(), mtime_ns};
    }

    // A job's work as accept_job makes it: every content cached.
    std::unique_ptr<MirrorWork> work(const proto::JobRequest& r, std::optional<TempDir> dir = {}) {
        auto plan = plan_sandboxed_mirror(r, {});
        REQUIRE(plan);
        auto w = std::make_unique<MirrorWork>();
        if (!dir) dir = std::move(*TempDir::create(tmp.path(), "job-"));
        w->setup.dir = std::move(dir);
        w->setup.root = w->setup.dir->path() + "/root";
        auto spec = sandbox_spec(w->setup.dir->path(), r);
        REQUIRE(spec);
        w->setup.sandbox = std::move(*spec);
        w->plan = std::move(*plan);
        for (const auto& [hash, targets] : w->plan.placements)
            w->cached.emplace_back(hash, blobs.at(hash));
        return w;
    }

    // `r`'s mirror made from `previous`'s finished one.
    std::unique_ptr<MirrorWork> reuse(MirrorWork& previous, const proto::JobRequest& r) {
        auto w = work(r, std::move(previous.setup.dir));
        w->previous = std::make_shared<const MirrorPlan>(previous.plan);
        w->kept = kept_contents(*w->previous, w->plan);
        return w;
    }
};

proto::JobRequest first_job(Fixture& f) {
    proto::JobRequest r;
    r.cwd = "/proj";
    r.outputs = {"/proj/out/a.o"};
    r.files = {f.file("/proj/a.c", "int a;"),
               f.file("/proj/inc/same.h", "same"),
               f.file("/proj/inc/edited.h", "before"),
               f.file("/proj/inc/moved.h", "moving"),
               f.file("/proj/inc/retimed.h", "retimed"),
               f.file("/proj/only_a/gone.h", "gone"),
               f.file("/proj/twice/one.h", "twin"),
               f.file("/usr/include/stdio.h", "stdio")};
    r.links = {{"/proj/lnk", "inc"}, {"/proj/retarget", "inc"}, {"/proj/becomes_dir", "inc"}};
    r.directories = {"/proj/empty_dir", "/proj/becomes_link"};
    return r;
}

proto::JobRequest second_job(Fixture& f) {
    proto::JobRequest r;
    r.cwd = "/proj";
    r.outputs = {"/proj/out/b.o"};
    r.files = {f.file("/proj/b.c", "int b;"),
               f.file("/proj/inc/same.h", "same"),
               f.file("/proj/inc/edited.h", "after"),
               f.file("/proj/inc/elsewhere.h", "moving"),
               f.file("/proj/inc/retimed.h", "retimed", kEntryMtime + 5000000000),
               f.file("/proj/twice/one.h", "twin"),
               f.file("/proj/twice/two.h", "twin"),
               f.file("/proj/becomes_dir/x.h", "x"),
               f.file("/usr/include/stdio.h", "stdio")};
    r.links = {{"/proj/lnk", "inc"}, {"/proj/retarget", "only_b"}, {"/proj/becomes_link", "inc"}};
    r.directories = {"/proj/only_b"};
    return r;
}

} // namespace

TEST_CASE("a reused mirror holds exactly what a mirror built from nothing holds") {
    Fixture f;
    auto a = f.work(first_job(f));
    build_mirror(*a);
    REQUIRE(a->built);
    const std::string root = a->setup.root;
    const ino_t same = inode(root + "/proj/inc/same.h");
    // What the finished job left beside its mirror: TMPDIR, an output in the overlay.
    REQUIRE(write_file(a->setup.dir->path() + "/tmp/scratch", "left"));
    REQUIRE(write_file(a->setup.sandbox->writable[0].upper + "/a.o", "object"));

    auto b = f.reuse(*a, second_job(f));
    build_mirror(*b);
    REQUIRE(b->built);
    CHECK(b->reuse_failed.empty());
    REQUIRE(b->previous);
    CHECK(b->setup.root == root);

    auto fresh = f.work(second_job(f));
    build_mirror(*fresh);
    REQUIRE(fresh->built);
    CHECK(listing(root) == listing(fresh->setup.root));

    // Kept: the unchanged header and the toolchain's, in place (the same inodes).
    CHECK(b->kept.count(hash_hex("same")));
    CHECK(b->kept.count(hash_hex("stdio")));
    CHECK(inode(root + "/proj/inc/same.h") == same);
    CHECK(b->retired.files_kept == 2);
    // A content with a placement more is placed again whole: two paths, two inodes.
    CHECK_FALSE(b->kept.count(hash_hex("twin")));
    CHECK(inode(root + "/proj/twice/one.h") != inode(root + "/proj/twice/two.h"));
    // Not kept: moved, edited, given another mtime.
    CHECK_FALSE(b->kept.count(hash_hex("moving")));
    CHECK_FALSE(b->kept.count(hash_hex("retimed")));
    // The job's own leftovers are gone, and its overlay's layers are empty again.
    CHECK_FALSE(read_file(b->setup.dir->path() + "/tmp/scratch"));
    CHECK_FALSE(read_file(b->setup.sandbox->writable[0].upper + "/a.o"));
}

TEST_CASE("a mirror reused twice, back to the first plan, is still exact") {
    Fixture f;
    auto a = f.work(first_job(f));
    build_mirror(*a);
    auto b = f.reuse(*a, second_job(f));
    build_mirror(*b);
    auto c = f.reuse(*b, first_job(f));
    build_mirror(*c);
    REQUIRE(c->built);
    CHECK(c->reuse_failed.empty());
    auto fresh = f.work(first_job(f));
    build_mirror(*fresh);
    CHECK(listing(c->setup.root) == listing(fresh->setup.root));
}

TEST_CASE("a mirror that is not what its plan says is built again from nothing") {
    Fixture f;
    auto a = f.work(first_job(f));
    build_mirror(*a);
    // Something no plan put there, in a directory the next job does not have.
    REQUIRE(write_file(a->setup.root + "/proj/only_a/stray", "?"));
    auto b = f.reuse(*a, second_job(f));
    b->kept_uncached = {hash_hex("same")}; // as if the cache had evicted it meanwhile
    build_mirror(*b);
    REQUIRE(b->built);
    CHECK_FALSE(b->reuse_failed.empty());
    CHECK_FALSE(b->previous);
    CHECK(b->kept.empty());
    CHECK(b->missing.count(hash_hex("same"))); // asked for, as a content never cached
    auto fresh = f.work(second_job(f));
    build_mirror(*fresh);
    auto got = listing(b->setup.root), want = listing(fresh->setup.root);
    CHECK(got.size() == want.size());
    CHECK_FALSE(got.count("/proj/only_a"));
}

TEST_CASE("kept_contents keeps a content only where every placement is unchanged") {
    MirrorPlan before, after;
    before.placements["h1"] = {{"/a", 1}, {"/b", 1}};
    after.placements["h1"] = {{"/b", 1}, {"/a", 1}}; // the same, in another order
    before.placements["h2"] = {{"/c", 1}};
    after.placements["h2"] = {{"/c", 2}};
    before.placements["h3"] = {{"/d", 1}};
    after.placements["h3"] = {{"/d", 1}, {"/e", 1}};
    after.placements["h4"] = {{"/f", 1}};
    CHECK(kept_contents(before, after) == std::set<std::string>{"h1"});
}

TEST_CASE("MirrorPool offers a connection only its own mirrors, newest first, within its bound") {
    auto tmp = TempDir::create("/tmp", "ferry-mirror-pool-");
    REQUIRE(tmp);
    auto pooled = [&](uint64_t connection) {
        auto dir = TempDir::create(tmp->path(), kJobDirPrefix);
        REQUIRE(dir);
        return PooledMirror{connection, std::move(*dir), std::make_shared<const MirrorPlan>()};
    };
    // A kept directory is renamed mirror-*, and job-* again when a job takes it.
    auto suffix = [](const TempDir& dir) {
        return basename(dir.path()).substr(kJobDirPrefix.size());
    };
    MirrorPool pool(3);
    auto first = pooled(1);
    const std::string first_suffix = suffix(first.dir);
    CHECK(pool.give(std::move(first)).empty());
    auto second = pooled(1);
    const std::string second_path = second.dir.path();
    CHECK(pool.give(std::move(second)).empty());
    CHECK_FALSE(::access(second_path.c_str(), F_OK) == 0);
    CHECK(pool.give(pooled(2)).empty());
    CHECK_FALSE(pool.take(3));
    auto taken = pool.take(1);
    REQUIRE(taken);
    CHECK(taken->dir.path() == second_path);
    CHECK(::access(second_path.c_str(), F_OK) == 0);
    CHECK(pool.size() == 2);
    CHECK(pool.give(pooled(2)).empty());
    auto evicted = pool.give(pooled(2)); // past the bound: the oldest goes
    REQUIRE(evicted.size() == 1);
    CHECK(basename(evicted[0].dir.path()) == std::string(kPooledDirPrefix) + first_suffix);
    CHECK(pool.drop(2).size() == 3);
    CHECK(pool.size() == 0);
    MirrorPool off(0);
    CHECK(off.give(pooled(1)).size() == 1);
}
