#include "util/fs.hpp"
#include "util/physical_path.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

using namespace ferry;

TEST_CASE("resolve_physical: links are followed like the kernel does, and recorded") {
    auto dir = TempDir::create("/tmp", "ferry-physical-");
    REQUIRE(dir);
    const std::string d = dir->path();
    REQUIRE(make_dirs(d + "/real/sub"));
    REQUIRE(write_file(d + "/real/sub/f.h", "x"));
    REQUIRE(::symlink("real", (d + "/alias").c_str()) == 0);
    REQUIRE(::symlink((d + "/real/sub").c_str(), (d + "/abs").c_str()) == 0);
    REQUIRE(::symlink("loop", (d + "/loop").c_str()) == 0);

    auto r = resolve_physical(d + "/alias/sub/f.h");
    REQUIRE(r);
    CHECK(r->path == d + "/real/sub/f.h");
    REQUIRE(r->links.size() == 1);
    CHECK(r->links[0] == SymlinkSeen{d + "/alias", "real"});

    // ".." after a link leaves the link's target, not the link's directory.
    r = resolve_physical(d + "/abs/../sub/f.h");
    REQUIRE(r);
    CHECK(r->path == d + "/real/sub/f.h");
    CHECK(r->links.size() == 1);

    // Relative to a working directory.
    r = resolve_physical("sub/f.h", d + "/alias");
    REQUIRE(r);
    CHECK(r->path == d + "/real/sub/f.h");

    CHECK_FALSE(resolve_physical(d + "/loop/x"));
    CHECK_FALSE(resolve_physical(d + "/real/missing.h"));
    r = resolve_physical(d + "/alias/missing.h", "/", true);
    REQUIRE(r);
    CHECK(r->path == d + "/real/missing.h");
    // A file in the middle of a path is not a directory.
    CHECK_FALSE(resolve_physical(d + "/real/sub/f.h/x"));
}

TEST_CASE("resolve_physical: the walk's lstat of the path it ends at, taken after the clock") {
    auto dir = TempDir::create("/tmp", "ferry-physical-");
    REQUIRE(dir);
    const std::string d = dir->path();
    REQUIRE(make_dirs(d + "/real"));
    REQUIRE(write_file(d + "/real/f.h", "12345"));
    REQUIRE(::symlink("real/f.h", (d + "/link.h").c_str()) == 0);
    int64_t ticks = 0;
    ComponentMemo memo([&] { return ++ticks; });

    // Through a link: the snapshot is the target's, what stat(2) of the link says.
    auto r = resolve_physical(d + "/link.h", "/", false, &memo);
    REQUIRE(r);
    REQUIRE(r->seen);
    struct stat st {};
    REQUIRE(::stat((d + "/link.h").c_str(), &st) == 0);
    CHECK(r->seen->stamp == stat_stamp(st));
    CHECK(r->seen->stamp.size == 5);
    CHECK(S_ISREG(r->seen->st.st_mode));
    CHECK(r->seen->taken_ns > 0);
    CHECK(r->seen->taken_ns <= ticks);

    // A path that ends in "..", or in a missing name, has none; a directory has its own.
    r = resolve_physical(d + "/real/..", "/", false, &memo);
    REQUIRE(r);
    CHECK(r->path == d);
    CHECK_FALSE(r->seen);
    r = resolve_physical(d + "/real/missing.h", "/", true, &memo);
    REQUIRE(r);
    CHECK_FALSE(r->seen);
    r = resolve_physical(d + "/real/.", "/", false, &memo);
    REQUIRE(r);
    REQUIRE(r->seen);
    CHECK(S_ISDIR(r->seen->st.st_mode));
    CHECK(resolve_physical("/")->path == "/");
}
