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
