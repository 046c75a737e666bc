#include "remote/runner/mirror.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/temp_dir.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::runner;

static bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

static bool is_dir(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

TEST_CASE("lexical_directories keeps every directory a '..' walk passes through") {
    auto dirs = lexical_directories(
        "/usr/lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/iostream", true);
    REQUIRE(dirs);
    CHECK(has(*dirs, "/usr/lib/gcc/x86_64-linux-gnu/12"));
    CHECK(has(*dirs, "/usr/include/c++/12"));
    CHECK(dirs->size() == 2);

    auto several = lexical_directories("/a/b/../c/d/../e.h", true);
    REQUIRE(several);
    CHECK(has(*several, "/a/b"));
    CHECK(has(*several, "/a/c/d"));
    CHECK(several->size() == 2); // /a/c (the file's parent) comes with /a/c/d

    auto dir = lexical_directories("/home/u/proj/./build", false);
    REQUIRE(dir);
    CHECK(*dir == std::vector<std::string>{"/home/u/proj/build"});

    auto plain = lexical_directories("/src/a.c", true);
    REQUIRE(plain);
    CHECK(*plain == std::vector<std::string>{"/src"});
}

TEST_CASE("lexical_directories refuses escapes and relative paths") {
    auto escape = lexical_directories("/a/../../etc/passwd", true);
    REQUIRE_FALSE(escape);
    CHECK(escape.error().code == Errc::refused);
    CHECK_FALSE(lexical_directories("/..", false));
    CHECK_FALSE(lexical_directories("relative/a.h", true));
    CHECK_FALSE(lexical_directories("/", true)); // no file name
}

static proto::JobRequest request_with(std::vector<proto::FileEntry> files) {
    proto::JobRequest r;
    r.cwd = "/home/u/proj";
    r.files = std::move(files);
    r.system_include_dirs = {"/usr/lib/gcc/x86_64-linux-gnu/12/include", "/usr/include"};
    r.outputs = {"obj/a.o", "/abs/out/a.dwo"};
    return r;
}

TEST_CASE("plan_mirror collects directories and placements") {
    std::string h1 = hash_hex("int a;"), h2 = hash_hex("int b;");
    auto plan = plan_mirror(
        request_with({{"/home/u/proj/a.c", h1, 6},
                      {"/usr/lib/gcc/x86_64-linux-gnu/12/../../../../include/stdio.h", h2, 6},
                      {"/usr/include/./stdio.h", h2, 6}}),
        {});
    REQUIRE(plan);
    CHECK(plan->directories.count("/home/u/proj"));
    CHECK(plan->directories.count("/home/u/proj/obj"));
    CHECK(plan->directories.count("/abs/out"));
    CHECK(plan->directories.count("/usr/lib/gcc/x86_64-linux-gnu/12"));
    CHECK(plan->directories.count("/usr/lib/gcc/x86_64-linux-gnu/12/include"));
    CHECK(plan->placements[h1] == std::vector<Placement>{{"/home/u/proj/a.c", 0}});
    // Two spellings of one file are one placement.
    CHECK(plan->placements[h2] == std::vector<Placement>{{"/usr/include/stdio.h", 0}});
    CHECK(plan->total_bytes == 12);
}

TEST_CASE("plan_mirror refuses what breaks the policy") {
    std::string h = hash_hex("x");
    auto refused = [](const proto::JobRequest& r, ManifestLimits limits = {}) {
        auto plan = plan_mirror(r, limits);
        return !plan && plan.error().code == Errc::refused;
    };
    CHECK(refused(request_with({{"/a/../../etc/shadow", h, 1}})));
    CHECK(refused(request_with({{"relative.h", h, 1}})));
    CHECK(refused(request_with({{"/a.h", "not-a-hash", 1}})));
    CHECK(refused(request_with({{"/a.h", h, 1}, {"/./a.h", hash_hex("y"), 1}})));
    CHECK(refused(request_with({{std::string("/a\0b.h", 6), h, 1}})));
    ManifestLimits small;
    small.max_files = 1;
    CHECK(refused(request_with({{"/a.h", h, 1}, {"/b.h", h, 1}}), small));
    small = {};
    small.max_total_bytes = 10;
    CHECK(refused(request_with({{"/a.h", h, 6}, {"/b.h", hash_hex("z"), 6}}), small));
    CHECK(refused(request_with({{"/a.h", h, ~uint64_t(0)}})));

    auto bad_output = request_with({});
    bad_output.outputs = {"../../../../x.o"};
    CHECK(refused(bad_output));
    auto bad_cwd = request_with({});
    bad_cwd.cwd = "proj";
    CHECK(refused(bad_cwd));
    auto bad_include = request_with({});
    bad_include.system_include_dirs = {"/../x"};
    CHECK(refused(bad_include));
    // A file where a directory must be.
    CHECK(refused(request_with({{"/home/u/proj/obj", h, 1}})));
}

TEST_CASE("materialising a mirror: lexical parents exist, files are linked") {
    auto tmp = TempDir::create("/tmp", "ferry-mirror-test-");
    REQUIRE(tmp);
    std::string root = tmp->path() + "/root";
    std::string source = tmp->path() + "/blob";
    REQUIRE(write_file(source, "#define X 1\n"));
    struct stat entry {};
    REQUIRE(::stat(source.c_str(), &entry) == 0);
    const int64_t mtime = int64_t(entry.st_mtim.tv_sec) * 1000000000 + entry.st_mtim.tv_nsec;
    std::string spelled = "/usr/lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/iostream";
    auto plan = plan_mirror(request_with({{spelled, hash_hex("#define X 1\n"), 12, mtime}}), {});
    REQUIRE(plan);
    REQUIRE(create_directories(root, *plan));
    REQUIRE(place_file(root, plan->placements.begin()->second, source));

    CHECK(is_dir(root + "/usr/lib/gcc/x86_64-linux-gnu/12"));
    CHECK(is_dir(root + "/home/u/proj/obj"));
    // The compiler's spelling resolves through the kernel's ".." walk.
    auto through_dots = read_file(root + spelled);
    REQUIRE(through_dots);
    CHECK(*through_dots == "#define X 1\n");
    struct stat a {
    }, b{};
    REQUIRE(::stat(source.c_str(), &a) == 0);
    REQUIRE(::stat((root + "/usr/include/c++/12/iostream").c_str(), &b) == 0);
    CHECK(a.st_ino == b.st_ino); // a hard link, not a copy
    CHECK(mirrored_path(root, "/usr/./include/../include/x.h") == root + "/usr/include/x.h");
}

static int64_t mtime_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

static ino_t inode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_ino;
}

TEST_CASE("place_file gives each target the client's mtime and an inode of its own") {
    auto tmp = TempDir::create("/tmp", "ferry-mirror-test-");
    REQUIRE(tmp);
    const std::string root = tmp->path() + "/root", source = tmp->path() + "/blob";
    REQUIRE(write_file(source, "#pragma once\nint x;\n"));
    REQUIRE(make_dirs(root + "/a"));
    REQUIRE(make_dirs(root + "/b"));
    const int64_t entry = mtime_of(source);
    const int64_t older = 1000000000LL * 1234567890 + 987654321; // 2009, with nanoseconds
    const int64_t before_1970 = -1500000000;                     // 1969-12-31 23:59:58.5

    SUBCASE("one target at the entry's mtime is a hard link") {
        auto placed = place_file(root, {{"/a/x.h", entry}}, source);
        REQUIRE(placed);
        CHECK(placed->linked == 1);
        CHECK(placed->copied == 0);
        CHECK(inode_of(root + "/a/x.h") == inode_of(source));
    }
    SUBCASE("two paths with one content are two files, even at the same mtime") {
        auto placed = place_file(root, {{"/a/x.h", entry}, {"/b/x.h", entry}}, source);
        REQUIRE(placed);
        CHECK(placed->linked == 1);
        CHECK(placed->copied == 1);
        CHECK(inode_of(root + "/a/x.h") != inode_of(root + "/b/x.h"));
        CHECK(mtime_of(root + "/a/x.h") == entry);
        CHECK(mtime_of(root + "/b/x.h") == entry);
        CHECK(*read_file(root + "/b/x.h") == "#pragma once\nint x;\n");
    }
    SUBCASE("another mtime is a copy with that mtime; the entry keeps its own") {
        auto placed = place_file(root, {{"/a/x.h", older}, {"/b/x.h", before_1970}}, source);
        REQUIRE(placed);
        CHECK(placed->linked == 0);
        CHECK(placed->copied == 2);
        CHECK(mtime_of(root + "/a/x.h") == older);
        CHECK(mtime_of(root + "/b/x.h") == before_1970);
        CHECK(mtime_of(source) == entry);
        CHECK(inode_of(root + "/a/x.h") != inode_of(source));
    }
    SUBCASE("a target at another mtime first, then one at the entry's: a copy, then the link") {
        auto placed = place_file(root, {{"/a/x.h", older}, {"/b/x.h", entry}}, source);
        REQUIRE(placed);
        CHECK(placed->linked == 1);
        CHECK(placed->copied == 1);
        CHECK(mtime_of(root + "/a/x.h") == older);
        CHECK(inode_of(root + "/a/x.h") != inode_of(source));
        CHECK(inode_of(root + "/b/x.h") == inode_of(source));
    }
    SUBCASE("an entry evicted before it is placed: nothing placed, the source said missing") {
        REQUIRE(::unlink(source.c_str()) == 0);
        auto placed = place_file(root, {{"/a/x.h", entry}, {"/b/x.h", older}}, source);
        REQUIRE(placed);
        CHECK(placed->source_missing);
        CHECK(placed->linked + placed->copied == 0);
        CHECK(::access((root + "/a/x.h").c_str(), F_OK) != 0);
        CHECK(::access((root + "/b/x.h").c_str(), F_OK) != 0);
    }
    SUBCASE("a target whose directory is missing is an error, not a missing source") {
        auto placed = place_file(root, {{"/nodir/x.h", entry}}, source);
        REQUIRE_FALSE(placed);
        CHECK(placed.error().message.find("/nodir/x.h") != std::string::npos);
        CHECK(placed.error().message.find("the mirror's directory " + root + "/nodir is missing") !=
              std::string::npos);
    }
}

TEST_CASE("plan_mirror bounds path depth and the number of directories") {
    std::string h = hash_hex("x");
    std::string deep = "/t";
    for (int i = 0; i < 200; ++i)
        deep += "/d";
    auto too_deep = plan_mirror(request_with({{deep + "/h.h", h, 1}}), {});
    REQUIRE_FALSE(too_deep);
    CHECK(too_deep.error().code == Errc::refused);
    CHECK(too_deep.error().message.find("components is over the limit of 128") !=
          std::string::npos);

    // ".." counts: a short path can walk back and forth as deep as it likes.
    std::string zigzag = "/t";
    for (int i = 0; i < 100; ++i)
        zigzag += "/d/..";
    CHECK_FALSE(plan_mirror(request_with({{zigzag + "/h.h", h, 1}}), {}));

    ManifestLimits few;
    few.max_directories = 50;
    std::vector<proto::FileEntry> files;
    for (int i = 0; i < 60; ++i)
        files.push_back({"/wide/" + std::to_string(i) + "/h.h", h, 1});
    auto wide = plan_mirror(request_with(files), few);
    REQUIRE_FALSE(wide);
    CHECK(wide.error().message.find("the mirror needs more than 50 directories") !=
          std::string::npos);
    // Ancestors count too, and each directory once: 30 leaves under /wide are 31, and the
    // request's cwd, include directories and outputs bring it to 46.
    files.resize(30);
    auto fits = plan_mirror(request_with(files), few);
    REQUIRE(fits);
    CHECK(fits->every_directory.count("/wide"));
    CHECK(fits->every_directory.count("/"));
    CHECK(fits->every_directory.size() <= 50);
}

TEST_CASE("the directory walk is linear: a long path with many '..' plans fast") {
    ManifestLimits generous;
    generous.max_path_depth = 100000;
    generous.max_path_length = 1 << 20;
    generous.max_directories = 1 << 20;
    std::string path = "/t";
    for (int i = 0; i < 20000; ++i)
        path += "/d" + std::to_string(i) + "/..";
    path += "/h.h";
    auto dirs = lexical_directories(path, true);
    REQUIRE(dirs);
    CHECK(dirs->size() == 20000); // "/t/dN" for each N ("/t" is their ancestor)
    auto plan = plan_mirror(request_with({{path, hash_hex("x"), 1}}), generous);
    REQUIRE(plan);
    CHECK(plan->directories.count("/t/d19999"));
}

TEST_CASE("create_directories makes each directory once, parents first") {
    auto tmp = TempDir::create("/tmp", "ferry-mirror-test-");
    REQUIRE(tmp);
    std::vector<proto::FileEntry> files;
    for (int i = 0; i < 30; ++i)
        files.push_back(
            {"/a/b" + std::to_string(i % 3) + "/c" + std::to_string(i) + "/h.h", hash_hex("x"), 1});
    auto plan = plan_mirror(request_with(files), {});
    REQUIRE(plan);
    std::string root = tmp->path() + "/root";
    REQUIRE(create_directories(root, *plan));
    for (const auto& dir : plan->every_directory)
        CHECK(is_dir(mirrored_path(root, dir)));
    CHECK(is_dir(root + "/a/b2/c29"));
}
