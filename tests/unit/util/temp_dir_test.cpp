#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;

namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

} // namespace

TEST_CASE("remove_tree: a deep tree, unwritable directories, links left alone") {
    auto outside = TempDir::create("/tmp", "ferry-keep");
    REQUIRE(outside);
    REQUIRE(write_file(outside->path() + "/kept", "x"));
    auto tmp = TempDir::create("/tmp", "ferry-remove");
    REQUIRE(tmp);
    const std::string root = tmp->path() + "/tree";
    std::string deep = root;
    for (int i = 0; i < 300; ++i) // deeper than a job's default --max-path-depth
        deep += "/d";
    REQUIRE(make_dirs(deep));
    REQUIRE(write_file(deep + "/file", "data"));
    REQUIRE(::symlink(outside->path().c_str(), (root + "/d/link").c_str()) == 0);
    REQUIRE(make_dirs(root + "/locked/inner"));
    REQUIRE(write_file(root + "/locked/inner/f", "y"));
    REQUIRE(::chmod((root + "/locked/inner").c_str(), 0) == 0);
    REQUIRE(::chmod((root + "/locked").c_str(), 0500) == 0);

    CHECK(remove_tree(root));
    CHECK_FALSE(exists(root));
    CHECK(exists(outside->path() + "/kept")); // the link was removed, not followed
    CHECK(remove_tree(root));                 // already gone: nothing to do
}

TEST_CASE("remove_tree: a file or a link is removed itself") {
    auto tmp = TempDir::create("/tmp", "ferry-remove");
    REQUIRE(tmp);
    REQUIRE(write_file(tmp->path() + "/f", "x"));
    REQUIRE(::symlink(tmp->path().c_str(), (tmp->path() + "/self").c_str()) == 0);
    CHECK(remove_tree(tmp->path() + "/self"));
    CHECK(exists(tmp->path() + "/f"));
    CHECK(remove_tree(tmp->path() + "/f"));
    CHECK_FALSE(exists(tmp->path() + "/f"));
}
