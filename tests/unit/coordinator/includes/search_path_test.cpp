#include "coordinator/includes/search_path.hpp"
#include "temp_tree.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace ferry::includes;
using ferry::includes::test::TempTree;

namespace {

bool probed(const SearchResult& r, const std::string& path) {
    return std::find(r.missing.begin(), r.missing.end(), path) != r.missing.end();
}

} // namespace

TEST_CASE("two same-named headers in different -I directories: the first wins") {
    TempTree t;
    t.write("one/x.h", "");
    t.write("two/x.h", "");
    t.write("two/only2.h", "");
    RealFileSystem fs;
    SearchLists lists{{}, {t.path("one"), t.path("two")}};
    auto r = find_header(fs, lists, "x.h", true, t.root());
    CHECK(r.path == t.path("one/x.h"));
    CHECK(r.found_in.index == 0);
    auto r2 = find_header(fs, lists, "only2.h", true, t.root());
    CHECK(r2.path == t.path("two/only2.h"));
    CHECK(probed(r2, t.path("one/only2.h"))); // appearing there would change the answer
}

TEST_CASE("quotes: the includer's directory, then -iquote, then the angle list") {
    TempTree t;
    t.write("src/q.h", "");
    t.write("quote/q.h", "");
    t.write("quote/iq.h", "");
    t.write("inc/iq.h", "");
    t.write("inc/a.h", "");
    RealFileSystem fs;
    SearchLists lists{{t.path("quote")}, {t.path("inc")}};
    CHECK(find_header(fs, lists, "q.h", false, t.path("src")).path == t.path("src/q.h"));
    auto iq = find_header(fs, lists, "iq.h", false, t.path("src"));
    CHECK(iq.path == t.path("quote/iq.h"));
    CHECK(probed(iq, t.path("src/iq.h")));
    // -iquote is not searched for <...>; the includer's directory neither.
    CHECK(find_header(fs, lists, "iq.h", true, t.path("src")).path == t.path("inc/iq.h"));
    CHECK_FALSE(find_header(fs, lists, "q.h", true, t.path("src")).path.has_value());
    CHECK(find_header(fs, lists, "a.h", false, t.path("src")).path == t.path("inc/a.h"));
}

TEST_CASE("#include_next continues after the directory where the current file was found") {
    TempTree t;
    t.write("wrap/stdio.h", "");
    t.write("mid/other.h", "");
    t.write("sys/stdio.h", "");
    RealFileSystem fs;
    SearchLists lists{{}, {t.path("wrap"), t.path("mid"), t.path("sys")}};
    auto first = find_header(fs, lists, "stdio.h", true, "");
    REQUIRE(first.path == t.path("wrap/stdio.h"));
    auto next = find_next_header(fs, lists, "stdio.h", first.found_in);
    CHECK(next.path == t.path("sys/stdio.h"));
    CHECK(next.found_in.index == 2);
    CHECK(probed(next, t.path("mid/stdio.h")));
    CHECK_FALSE(probed(next, t.path("wrap/stdio.h")));
    // The last directory has nothing after it.
    CHECK_FALSE(find_next_header(fs, lists, "stdio.h", next.found_in).path.has_value());
}

TEST_CASE("an absolute name is probed as is; a directory is not a header") {
    TempTree t;
    t.write("d/sub/f.h", "");
    RealFileSystem fs;
    SearchLists lists{{}, {t.path("d")}};
    CHECK(find_header(fs, lists, t.path("d/sub/f.h"), true, "").path == t.path("d/sub/f.h"));
    CHECK_FALSE(find_header(fs, lists, "sub", true, "").path.has_value());
}
