#include "client/scan_files.hpp"

#include <doctest/doctest.h>
#include <set>

using ferry::client::files_to_ship;
using ferry::client::join_to_cwd;
using ferry::client::reads_stdc_predef;
using ferry::compiler::Family;
using Files = std::vector<std::string>;

TEST_CASE("paths are joined to the cwd lexically: '..' stays, '.' goes") {
    CHECK(join_to_cwd("/work/p", "inc/../a.h") == "/work/p/inc/../a.h");
    CHECK(join_to_cwd("/work/p", "../lib/b.h") == "/work/p/../lib/b.h");
    CHECK(join_to_cwd("/work/p", "./a.h") == "/work/p/a.h");
    CHECK(join_to_cwd("/work/p/", "sub/./c.h") == "/work/p/sub/c.h");
    CHECK(join_to_cwd("/work/p", "/usr//include/./stdio.h") == "/usr/include/stdio.h");
    CHECK(join_to_cwd("/", "x.c") == "/x.c");
}

TEST_CASE("the file list: source first, headers in order, duplicates once") {
    ferry::compiler::ScanResult scan;
    scan.headers = {"a.h", "./a.h", "../lib/b.h", "/usr/include/stdio.h", "sub/../a.h"};
    scan.angle_dirs = {"/usr/include"};
    auto files = files_to_ship("src/x.c", scan, "/w", false);
    CHECK(files ==
          Files{"/w/src/x.c", "/w/a.h", "/w/../lib/b.h", "/usr/include/stdio.h", "/w/sub/../a.h"});
}

TEST_CASE("stdc-predef.h: the first one on the <...> search list") {
    ferry::compiler::ScanResult scan;
    scan.headers = {"/usr/include/stdio.h"};
    scan.angle_dirs = {"inc", "/opt/include", "/usr/local/include", "/usr/include"};
    std::set<std::string> existing = {"/usr/local/include/stdc-predef.h",
                                      "/usr/include/stdc-predef.h"};
    auto exists = [&](const std::string& p) { return existing.count(p) > 0; };
    auto files = files_to_ship("/src/x.c", scan, "/w", true, exists);
    CHECK(files == Files{"/src/x.c", "/usr/include/stdio.h", "/usr/local/include/stdc-predef.h"});

    existing.insert("/w/inc/stdc-predef.h"); // a relative -I dir is searched first
    files = files_to_ship("/src/x.c", scan, "/w", true, exists);
    CHECK(files.back() == "/w/inc/stdc-predef.h");

    existing.clear(); // nowhere: nothing added
    CHECK(files_to_ship("/src/x.c", scan, "/w", true, exists).size() == 2);

    // Already listed (should -H ever print it): not twice.
    existing.insert("/usr/include/stdc-predef.h");
    scan.headers.push_back("/usr/include/stdc-predef.h");
    CHECK(files_to_ship("/src/x.c", scan, "/w", true, exists).size() == 3);
}

TEST_CASE("who reads stdc-predef.h") {
    CHECK(reads_stdc_predef(Family::gcc, {"-c", "x.c"}));
    CHECK_FALSE(reads_stdc_predef(Family::gcc, {"-nostdinc", "-c", "x.c"}));
    CHECK_FALSE(reads_stdc_predef(Family::gcc, {"-ffreestanding", "-c", "x.c"}));
    CHECK_FALSE(reads_stdc_predef(Family::clang, {"-c", "x.c"}));
}
