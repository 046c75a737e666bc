#include "coordinator/include_shadow_verdict.hpp"

#include <doctest/doctest.h>

using namespace ferry::coordinator;
using ferry::includes::Analysis;
using ferry::includes::Problem;
using Paths = std::vector<std::string>;

namespace {

Analysis analysis(Paths files, std::vector<Problem> problems = {}) {
    Analysis a;
    a.files = std::move(files);
    a.problems = std::move(problems);
    return a;
}

} // namespace

TEST_CASE("lexical_absolute drops '.' and doubled slashes, keeps '..'") {
    CHECK(lexical_absolute("/p", "a.h") == "/p/a.h");
    CHECK(lexical_absolute("/p", "./inc//a.h") == "/p/inc/a.h");
    CHECK(lexical_absolute("/p", "../x/a.h") == "/p/../x/a.h");
    CHECK(lexical_absolute("/p", "/usr/include/./stdio.h") == "/usr/include/stdio.h");
}

TEST_CASE("superset: every scanned file is in the analysis; the excess is counted") {
    Paths scan{"/p/a.c", "/p/inc/a.h", "/usr/include/stdio.h"};
    auto c = compare_with_scan(scan,
                               analysis({"a.c", "inc/a.h", "/usr/include/stdio.h", "inc/b.h",
                                         "/usr/include/stdc-predef.h"}),
                               "/p");
    CHECK(c.verdict == ShadowVerdict::superset);
    CHECK(c.extra == 2);
    CHECK(c.missing.empty());
    CHECK(std::string(verdict_name(c.verdict)) == "superset");
}

TEST_CASE("equal sets are a superset with no extra file") {
    auto c = compare_with_scan({"/p/a.c", "/p/a.h"}, analysis({"./a.c", "/p/a.h", "a.h"}), "/p");
    CHECK(c.verdict == ShadowVerdict::superset);
    CHECK(c.extra == 0);
}

TEST_CASE("missed: the scanned files the analysis lacks, in scan order") {
    Paths scan{"/p/a.c", "/p/z.h", "/p/inc/a.h", "/p/y.h", "/p/z.h"};
    auto c = compare_with_scan(scan, analysis({"a.c", "inc/a.h", "other.h"}), "/p");
    CHECK(c.verdict == ShadowVerdict::missed);
    CHECK(c.missing == Paths{"/p/z.h", "/p/y.h"});
    // '..' is not resolved: "inc/../a.h" is not "a.h" (a symlinked inc would make them differ).
    auto dots = compare_with_scan({"/p/a.h"}, analysis({"inc/../a.h"}), "/p");
    CHECK(dots.verdict == ShadowVerdict::missed);
}

TEST_CASE("refused: a refusing problem wins, even over a covering answer") {
    Problem refusing{"/p/a.c", 3, "computed include", true};
    auto c = compare_with_scan({"/p/a.c"}, analysis({"a.c"}, {refusing}), "/p");
    CHECK(c.verdict == ShadowVerdict::refused);
    CHECK(c.refused_because == "/p/a.c:3: computed include");
    auto also_missing =
        compare_with_scan({"/p/a.c", "/p/b.h"}, analysis({"a.c"}, {refusing}), "/p");
    CHECK(also_missing.verdict == ShadowVerdict::refused);
    // A problem reported for the record does not refuse.
    Problem note{"/usr/include/sys/cdefs.h", 9, "_Pragma(#x)", false};
    CHECK(compare_with_scan({"/p/a.c"}, analysis({"a.c"}, {note}), "/p").verdict ==
          ShadowVerdict::superset);
}
