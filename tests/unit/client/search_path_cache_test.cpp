// The remembered search lists: what makes two compiles share an entry, and what makes an
// entry stale.
#include "client/search_path_cache.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::client;

namespace {

struct Fixture {
    TempDir dir = std::move(*TempDir::create("/tmp", "ferry-spc-test"));
    std::string root = dir.path();
    std::string cache = root + "/cache";
    std::string compiler = root + "/bin/cc";

    Fixture() {
        REQUIRE(make_dirs(root + "/bin"));
        REQUIRE(write_file(compiler, "#!/bin/sh\n"));
        REQUIRE(make_dirs(root + "/sys"));
        REQUIRE(make_dirs(root + "/proj/inc"));
    }

    SearchShape shape(std::vector<std::string> args, std::vector<std::string> env = {}) const {
        return {compiler, root + "/proj", std::move(args), std::move(env), "c"};
    }

    compiler::ScanResult lists() const {
        compiler::ScanResult r;
        r.quote_dirs = {"inc"};
        r.angle_dirs = {"inc", root + "/sys"};
        r.missing_dirs = {root + "/not-yet"};
        return r;
    }
};

} // namespace

TEST_CASE("files of one target share an entry; other shapes do not") {
    Fixture f;
    auto a = shape_args({"-O2", "-c", "a.c", "-o", "a.o"}, "a.c", {"a.o"});
    auto b = shape_args({"-O2", "-c", "b.c", "-o", "b.o"}, "b.c", {"b.o"});
    CHECK(a == b);
    // Per-file macros (Kbuild's -DKBUILD_MODNAME=...) do not make another shape.
    CHECK(shape_args({"-DKBUILD_MODNAME=a", "-D", "X=a.c", "-UY", "-c", "a.c"}, "a.c", {}) ==
          shape_args({"-DKBUILD_MODNAME=b", "-D", "X=b.c", "-UY", "-c", "b.c"}, "b.c", {}));
    const auto key = search_shape_key(f.shape(a));
    REQUIRE_FALSE(key.empty());
    CHECK(key == search_shape_key(f.shape(b)));
    CHECK(key !=
          search_shape_key(f.shape(shape_args({"-O2", "-isystem", "x", "-c", "a.c"}, "a.c", {}))));
    CHECK(key != search_shape_key(f.shape(a, {"CPATH=/opt/include"})));
    CHECK(key == search_shape_key(f.shape(a, {"HOME=/root"}))); // not a search variable
    auto elsewhere = f.shape(a);
    elsewhere.cwd = f.root;
    CHECK(key != search_shape_key(elsewhere));
    auto missing = f.shape(a);
    missing.compiler_path = f.root + "/bin/none";
    CHECK(search_shape_key(missing).empty());
}

TEST_CASE("everything that changes the built-in search list changes the key") {
    Fixture f;
    // a.c then b.cc in one directory: same shape once the source is gone, but C++ searches
    // libstdc++'s directories too (issue 9: the second compile reused C's list).
    auto c = f.shape(shape_args({"-O2", "-c", "a.c"}, "a.c", {}));
    c.language = "c";
    auto cxx = f.shape(shape_args({"-O2", "-c", "b.cc"}, "b.cc", {}));
    cxx.language = "c++";
    REQUIRE(c.args == cxx.args);
    const auto key = search_shape_key(c);
    CHECK(key != search_shape_key(cxx));
    for (std::vector<std::string> extra : {std::vector<std::string>{"-x", "c++"},
                                           {"-std=c++17"},
                                           {"-nostdinc"},
                                           {"-nostdinc++"},
                                           {"--sysroot=/opt/sr"},
                                           {"--sysroot", "/opt/sr"},
                                           {"-isysroot", "/opt/sr"},
                                           {"-stdlib=libc++"},
                                           {"--target=aarch64-linux-gnu"},
                                           {"-target", "aarch64-linux-gnu"},
                                           {"-m32"},
                                           {"-m64"}}) {
        auto args = extra;
        args.insert(args.end(), {"-O2", "-c", "a.c"});
        auto other = f.shape(shape_args(args, "a.c", {}));
        other.language = "c";
        CAPTURE(extra[0]);
        CHECK(key != search_shape_key(other));
    }
}

TEST_CASE("a stored entry comes back while it holds") {
    Fixture f;
    const auto key = search_shape_key(f.shape({"-c"}));
    const std::string cwd = f.root + "/proj";
    CHECK_FALSE(load_search_paths(f.cache, key, cwd));
    store_search_paths(f.cache, key, f.lists());
    auto loaded = load_search_paths(f.cache, key, cwd);
    REQUIRE(loaded);
    CHECK(loaded->quote_dirs == f.lists().quote_dirs);
    CHECK(loaded->angle_dirs == f.lists().angle_dirs);
    CHECK(loaded->missing_dirs == f.lists().missing_dirs);
    CHECK(loaded->headers.empty());

    SUBCASE("a directory the compiler skipped appears") {
        REQUIRE(make_dirs(f.root + "/not-yet"));
        CHECK_FALSE(load_search_paths(f.cache, key, cwd));
    }
    SUBCASE("a listed directory goes away") {
        REQUIRE(::rmdir((f.root + "/proj/inc").c_str()) == 0);
        CHECK_FALSE(load_search_paths(f.cache, key, cwd));
    }
    SUBCASE("a damaged entry is not used") {
        REQUIRE(write_file(f.cache + "/" + key, "a " + f.root + "/sys"));
        CHECK_FALSE(load_search_paths(f.cache, key, cwd));
    }
}

TEST_CASE("a compiler that changes makes a new key") {
    Fixture f;
    const auto before = search_shape_key(f.shape({"-c"}));
    REQUIRE(write_file(f.compiler, "#!/bin/sh\n# upgraded\n"));
    CHECK(before != search_shape_key(f.shape({"-c"})));
}

TEST_CASE("lists a line cannot hold are not stored") {
    Fixture f;
    auto lists = f.lists();
    lists.angle_dirs.push_back(f.root + "/two\nlines");
    const auto key = search_shape_key(f.shape({"-c"}));
    store_search_paths(f.cache, key, lists);
    CHECK_FALSE(load_search_paths(f.cache, key, f.root + "/proj"));
}
