#include "remote/runner/outputs.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::runner;

TEST_CASE("output_location maps relative and absolute outputs into the root") {
    auto rel = output_location("/j/root", "/home/u/proj", "obj/../a.o");
    REQUIRE(rel);
    CHECK(*rel == "/j/root/home/u/proj/a.o");
    auto abs = output_location("/j/root", "/home/u/proj", "/tmp/x.dwo");
    REQUIRE(abs);
    CHECK(*abs == "/j/root/tmp/x.dwo");
    auto up = output_location("/j/root", "/home/u/proj", "../../../a.o");
    REQUIRE(up);
    CHECK(*up == "/j/root/a.o");
}

TEST_CASE("output_location refuses anything outside the root") {
    auto escape = output_location("/j/root", "/home/u/proj", "../../../../etc/passwd");
    REQUIRE_FALSE(escape);
    CHECK(escape.error().code == Errc::refused);
    CHECK_FALSE(output_location("/j/root", "/home", "/../../x"));
    CHECK_FALSE(output_location("/j/root", "/home", ""));
    CHECK_FALSE(output_location("/j/root", "relative", "a.o"));
}

TEST_CASE("collect_outputs reads what exists and skips what does not") {
    auto tmp = TempDir::create("/tmp", "ferry-outputs-test-");
    REQUIRE(tmp);
    std::string root = tmp->path() + "/root";
    REQUIRE(make_dirs(root + "/p/obj"));
    REQUIRE(write_file(root + "/p/obj/a.o", "OBJ"));
    auto files = collect_outputs(root, "/p", {"obj/a.o", "obj/a.dwo"}, 1 << 20);
    REQUIRE(files);
    REQUIRE(files->size() == 1);
    CHECK((*files)[0].path == "obj/a.o");
    CHECK((*files)[0].data == "OBJ");

    SUBCASE("too large") {
        CHECK_FALSE(collect_outputs(root, "/p", {"obj/a.o"}, 2));
    }
    SUBCASE("a symlink planted by the compile is not followed") {
        REQUIRE(::symlink("/etc/passwd", (root + "/p/obj/b.o").c_str()) == 0);
        CHECK_FALSE(collect_outputs(root, "/p", {"obj/b.o"}, 1 << 20));
    }
}
