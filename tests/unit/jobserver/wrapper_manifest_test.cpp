#include "integrations/ninja/wrapper_manifest.hpp"
#include "tests/unit/support/skip.hpp"
#include "util/fs.hpp"
#include "util/subprocess.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::integrations;

TEST_CASE("the wrapper manifest defines the local pool and includes the project") {
    auto text = wrapper_manifest_text("build.ninja", 3, true);
    CHECK(text.find("pool ferry_local\n  depth = 3\n") != std::string::npos);
    CHECK(text.find("include build.ninja\n") != std::string::npos);
    CHECK(text.find("build .ferry.ninja: phony build.ninja\n") != std::string::npos);
    auto no_pool = wrapper_manifest_text("my dir/x.ninja", 3, false);
    CHECK(no_pool.find("pool ferry_local") == std::string::npos);
    CHECK(no_pool.find("include my$ dir/x.ninja") != std::string::npos);
}

TEST_CASE("a pool the project defines itself is detected through includes") {
    auto dir = TempDir::create("/tmp", "ferry-wm-");
    REQUIRE(dir);
    REQUIRE(write_file(dir->path() + "/build.ninja", "include sub/rules.ninja\nbuild a: x\n"));
    REQUIRE(make_dirs(dir->path() + "/sub"));
    REQUIRE(write_file(dir->path() + "/sub/rules.ninja", "pool other\n  depth = 1\n"));
    CHECK_FALSE(manifest_defines_pool(dir->path(), "build.ninja", "ferry_local"));
    CHECK(manifest_defines_pool(dir->path(), "build.ninja", "other"));
    REQUIRE(write_file(dir->path() + "/sub/rules.ninja", "pool ferry_local\n  depth = 1\n"));
    CHECK(manifest_defines_pool(dir->path(), "build.ninja", "ferry_local"));
    auto path = write_wrapper_manifest(dir->path(), "build.ninja", 4);
    REQUIRE(path);
    auto text = read_file(*path);
    REQUIRE(text);
    CHECK(text->find("pool ferry_local") == std::string::npos);
}

TEST_CASE("ninja accepts the wrapper and caps the pool's edges") {
    if (ferry::test::skip_unless(
            !find_in_path("ninja", std::getenv("PATH") ? std::getenv("PATH") : "").empty(),
            "no ninja"))
        return;
    auto dir = TempDir::create("/tmp", "ferry-wm-");
    REQUIRE(dir);
    // Four edges in ferry_local, each recording whether another one overlapped it.
    std::string m = "rule slow\n  command = sh -c 'mkdir lock.d 2>/dev/null || echo overlap "
                    ">> overlaps; sleep 0.2; rmdir lock.d 2>/dev/null; touch $out'\n"
                    "  pool = ferry_local\n";
    for (int i = 0; i < 4; ++i)
        m += "build out" + std::to_string(i) + ": slow\n";
    REQUIRE(write_file(dir->path() + "/build.ninja", m));
    auto path = write_wrapper_manifest(dir->path(), "build.ninja", 1);
    REQUIRE(path);
    RunOptions o;
    o.argv = {"ninja", "-C", dir->path(), "-f", ".ferry.ninja", "-j", "8"};
    auto r = run_process(o);
    REQUIRE(r);
    INFO(r->out, r->err);
    CHECK(r->exit_code == 0);
    CHECK_FALSE(read_file(dir->path() + "/overlaps")); // depth 1: never two at once
    CHECK(read_file(dir->path() + "/out3"));
}
