#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace ferry;

TEST_CASE("normalize_path collapses dots and slashes lexically") {
    CHECK(normalize_path("/a//b/./c") == "/a/b/c");
    CHECK(normalize_path("/a/b/../c") == "/a/c");
    CHECK(normalize_path("/..") == "/");
    CHECK(normalize_path("/usr/lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12") ==
          "/usr/include/c++/12");
    CHECK(normalize_path("a/../../b") == "../b");
    CHECK(normalize_path("./") == ".");
}

TEST_CASE("is_normal_absolute is exactly: absolute and unchanged by normalize_path") {
    for (const char* path : {"/",      "/a",        "/a/b.h", "/usr/include/c++/12",
                             "//",     "/a/",       "/a//b",  "/./a",
                             "/a/.",   "/a/..",     "/../a",  "/a/.b",
                             "/a/..b", "/a/b..",    "/.",     "/..",
                             "a",      "a/b",       "",       ".",
                             "./a",    "/a/b/../c", "/...",   "/a/.../b"}) {
        CAPTURE(path);
        const std::string p = path;
        const bool expected = !p.empty() && p[0] == '/' && normalize_path(p) == p;
        CHECK(is_normal_absolute(p) == expected);
        if (expected) CHECK(path_depth(p) == static_cast<int>(path_components(p).size()));
    }
}

TEST_CASE("stays_within detects climbing out of a root") {
    CHECK(stays_within("/usr/lib/gcc/x/12/../../../../include"));
    CHECK_FALSE(stays_within("/a/../../etc"));
    CHECK_FALSE(stays_within("../x", 0));
    CHECK(stays_within("../x", 1));
    CHECK_FALSE(stays_within("../../x", 1));
    CHECK(path_depth("/home/u/p") == 3);
    CHECK(path_depth("/") == 0);
}

TEST_CASE("absolute_path, dirname, basename, join_path") {
    CHECK(absolute_path("/home/u", "src/../a.c") == "/home/u/a.c");
    CHECK(absolute_path("/home/u", "/x/y") == "/x/y");
    CHECK(dirname("a/b.c") == "a");
    CHECK(dirname("b.c") == ".");
    CHECK(dirname("/b.c") == "/");
    // Qualified: glibc declares a basename(const char*) too, a better match for a literal.
    CHECK(ferry::basename("/x/y.o") == "y.o");
    CHECK(join_path("/a", "b") == "/a/b");
    CHECK(join_path("/a/", "/b") == "/b");
}

TEST_CASE("TempDir removes everything it holds, read-only directories included") {
    std::string path;
    {
        auto dir = TempDir::create("/tmp", "ferry-test-");
        REQUIRE(dir);
        path = dir->path();
        REQUIRE(make_dirs(path + "/x/y"));
        REQUIRE(write_file(path + "/x/y/f", "data"));
        std::filesystem::permissions(path + "/x", std::filesystem::perms::owner_read |
                                                      std::filesystem::perms::owner_exec);
        CHECK(std::filesystem::exists(path + "/x/y/f"));
    }
    CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("write_file_atomic replaces content and leaves no temporary file") {
    auto dir = TempDir::create("/tmp", "ferry-test-");
    REQUIRE(dir);
    std::string f = dir->path() + "/out.o";
    REQUIRE(write_file_atomic(f, "one"));
    REQUIRE(write_file_atomic(f, "two"));
    auto content = read_file(f);
    REQUIRE(content);
    CHECK(*content == "two");
    int entries = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir->path()))
        ++entries;
    CHECK(entries == 1);
    auto missing = read_file(dir->path() + "/nope");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == Errc::not_found);
}

TEST_CASE("find_in_path honours order and the skip predicate") {
    auto a = TempDir::create("/tmp", "ferry-test-");
    auto b = TempDir::create("/tmp", "ferry-test-");
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(write_file(a->path() + "/tool", "#!/bin/sh\n", 0755));
    REQUIRE(write_file(b->path() + "/tool", "#!/bin/sh\n", 0755));
    std::string path_env = a->path() + ":" + b->path();
    CHECK(find_in_path("tool", path_env) == a->path() + "/tool");
    static std::string skip_dir;
    skip_dir = a->path();
    auto skip = [](const std::string& c) { return c.rfind(skip_dir, 0) == 0; };
    CHECK(find_in_path("tool", path_env, skip) == b->path() + "/tool");
    CHECK(find_in_path("absent-tool", path_env).empty());
}

TEST_CASE("read_regular_file reads a file and refuses FIFOs and devices without reading") {
    auto dir = TempDir::create("/tmp", "ferry-test-");
    REQUIRE(dir);
    const std::string file = dir->path() + "/a.h";
    REQUIRE(write_file(file, "#define A 1\n"));
    auto text = read_regular_file(file);
    REQUIRE(text);
    CHECK(*text == "#define A 1\n");

    // With no writer, opening the FIFO for reading would wait forever: the test would hang.
    const std::string fifo = dir->path() + "/fifo.h";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto from_fifo = read_regular_file(fifo);
    REQUIRE_FALSE(from_fifo);
    CHECK(from_fifo.error().message == fifo + " is not a regular file");

    // /dev/zero never ends: read_file would take max_size bytes of zeros.
    auto from_zero = read_regular_file("/dev/zero");
    REQUIRE_FALSE(from_zero);
    CHECK(from_zero.error().message == "/dev/zero is not a regular file");
    CHECK_FALSE(read_regular_file(dir->path()));                // a directory
    CHECK_FALSE(read_regular_file(dir->path() + "/missing.h")); // nothing there
    // Through a symlink, a regular file is still one.
    REQUIRE(::symlink(file.c_str(), (dir->path() + "/link.h").c_str()) == 0);
    auto through_link = read_regular_file(dir->path() + "/link.h");
    REQUIRE(through_link);
    CHECK(*through_link == "#define A 1\n");
}
