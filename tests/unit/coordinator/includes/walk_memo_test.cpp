// The memoised walk (walk_memo.hpp): an answer replayed from the memo must equal the walk's,
// file for file and in the same order, and an entry must never be used once anything it
// read has changed — a macro, a `#pragma once`, a header's content, a file appearing in an
// earlier search directory or disappearing, the depth and work bounds.
#include "coordinator/includes/analyser.hpp"
#include "coordinator/includes/walk_memo.hpp"
#include "temp_tree.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <unistd.h>

using namespace ferry::includes;
using ferry::includes::test::TempTree;

namespace {

// The test's files are seconds old, too new for the memo to trust (their content could
// change within the same timestamp): this view calls them settled, and every edit below
// changes a file's size, so its stamp.
struct SettledFileSystem final : FileSystem {
    RealFileSystem real;
    bool is_file(const std::string& path) override { return real.is_file(path); }
    std::optional<std::string> read(const std::string& path) override { return real.read(path); }
    std::optional<FileStamp> stamp(const std::string& path) override {
        auto s = real.stamp(path);
        if (s) s->settled = true;
        return s;
    }
};

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

void check_same(const Analysis& memo, const Analysis& plain) {
    CHECK(memo.files == plain.files);
    CHECK(memo.probes == plain.probes);
    CHECK(memo.has_include_names == plain.has_include_names);
    REQUIRE(memo.problems.size() == plain.problems.size());
    for (size_t k = 0; k < memo.problems.size(); ++k) {
        CHECK(memo.problems[k].file == plain.problems[k].file);
        CHECK(memo.problems[k].line == plain.problems[k].line);
        CHECK(memo.problems[k].what == plain.problems[k].what);
        CHECK(memo.problems[k].refuse == plain.problems[k].refuse);
    }
}

struct Project {
    TempTree tree;
    SettledFileSystem fs;
    DirectiveCache cache;
    WalkMemo memo;
    AnalyserInput input;

    Project() {
        input.cwd = tree.root();
        input.source = "main.c";
        input.lists.quote_dirs = {tree.path("quote")};
        input.lists.angle_dirs = {tree.path("inc"), tree.path("sys")};
    }
    // The unit through the memo, checked against a walk without it.
    Analysis run(const std::string& source) {
        input.source = source;
        auto memoised = analyse(fs, cache, input, &memo);
        DirectiveCache fresh;
        check_same(memoised, analyse(fs, fresh, input));
        return memoised;
    }
    uint64_t hits() { return memo.counters().hits; }
};

} // namespace

TEST_CASE("a replayed visit answers what the walk answers, in the same order") {
    Project p;
    p.tree.write("inc/lib.h", "#ifndef LIB_H\n#define LIB_H\n#include <part.h>\n"
                              "#include_next <lib.h>\n"
                              "#if __has_include(<maybe.h>)\n#include <maybe.h>\n#endif\n"
                              "#if __has_include(<absent.h>)\n#endif\n"
                              "#define HDR <computed.h>\n#include HDR\n"
                              "#ifdef __SOMETHING_UNKNOWN\n#include <odd.h>\n#endif\n"
                              "#if __has_builtin(x)\n#include <undecided.h>\n#endif\n#endif\n");
    p.tree.write("sys/lib.h", "#pragma once\n#define SYS_LIB 1\n#include \"near.h\"\n");
    p.tree.write("sys/near.h", "#define NEAR 1\n");
    p.tree.write("inc/part.h", "#pragma once\nint part;\n");
    p.tree.write("sys/maybe.h", "");
    p.tree.write("sys/computed.h", "");
    p.tree.write("sys/odd.h", "");
    p.tree.write("sys/undecided.h", "");
    p.tree.write("a.c", "#include <lib.h>\n#include <lib.h>\n#if SYS_LIB && NEAR\n"
                        "#include \"after.h\"\n#endif\n");
    p.tree.write("b.c", "#define UNRELATED 1\n#include <lib.h>\n#if SYS_LIB\n"
                        "#include \"after.h\"\n#endif\n");
    p.tree.write("after.h", "");
    auto a = p.run("a.c");
    CHECK(p.hits() == 0);
    CHECK(p.memo.counters().recorded > 0);
    CHECK(has(a.files, "after.h"));
    auto b = p.run("b.c");
    CHECK(p.hits() > 0);
    CHECK(has(b.files, "after.h"));
    CHECK(has(b.files, p.tree.path("sys/undecided.h")));
    CHECK(has(b.has_include_names, "absent.h"));
    CHECK(has(b.probes, p.tree.path("inc/absent.h")));
}

TEST_CASE("an entry is not used when a macro it read differs") {
    Project p;
    p.tree.write("inc/h.h", "#ifdef WANT\n#include <want.h>\n#else\n#include <other.h>\n#endif\n"
                            "#define LONG_ENOUGH_TO_BE_REMEMBERED 1 2 3 4 5 6 7 8 9 10 11 12 13\n"
                            "#define LONG_ENOUGH_TOO 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
    p.tree.write("inc/want.h", "");
    p.tree.write("inc/other.h", "");
    p.tree.write("plain.c", "#include <h.h>\n");
    p.tree.write("want.c", "#define WANT\n#include <h.h>\n");
    p.tree.write("later.c", "#include <h.h>\n#define WANT 2\n");
    CHECK(has(p.run("plain.c").files, p.tree.path("inc/other.h")));
    auto w = p.run("want.c");
    CHECK(has(w.files, p.tree.path("inc/want.h")));
    CHECK_FALSE(has(w.files, p.tree.path("inc/other.h")));
    // The first entry again: a macro defined after the include changes nothing.
    uint64_t before = p.hits();
    CHECK(has(p.run("later.c").files, p.tree.path("inc/other.h")));
    CHECK(p.hits() == before + 1);
    // The command line's -D (the predefined text) is read like any other definition.
    p.input.predefined = "#define WANT 1\n";
    CHECK(has(p.run("plain.c").files, p.tree.path("inc/want.h")));
}

TEST_CASE("what a header defines is replayed: a later header reads it") {
    Project p;
    p.tree.write("inc/config.h", "#define FEATURE 1\n#define OTHER 2\n#define MORE 3\n"
                                 "#define YET_MORE 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n"
                                 "#undef GONE\n");
    p.tree.write("inc/use.h", "#if FEATURE && !defined(GONE)\n#include <feature.h>\n#endif\n");
    p.tree.write("inc/feature.h", "");
    p.tree.write("one.c", "#include <config.h>\n#include <use.h>\n");
    p.tree.write("two.c", "#define GONE 1\n#include <config.h>\n#include <use.h>\n");
    p.tree.write("three.c", "#include <use.h>\n");
    CHECK(has(p.run("one.c").files, p.tree.path("inc/feature.h")));
    CHECK(has(p.run("two.c").files, p.tree.path("inc/feature.h"))); // GONE undefined again
    CHECK_FALSE(has(p.run("three.c").files, p.tree.path("inc/feature.h")));
}

TEST_CASE("an entry replayed inside a recorded visit becomes part of that visit's entry") {
    Project p;
    p.tree.write("inc/config.h", "#define FEATURE 1\n"
                                 "#define PAD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n"
                                 "#define PAD1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\n"
                                 "#define PAD3 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\n");
    p.tree.write("inc/wrap.h", "#include <config.h>\n"
                               "#define PAD2 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n");
    p.tree.write("inc/use.h", "#if FEATURE\n#include <feature.h>\n#endif\n");
    p.tree.write("inc/feature.h", "");
    p.tree.write("one.c", "#include <config.h>\n");
    p.tree.write("two.c", "#include <wrap.h>\n#include <use.h>\n");
    p.run("one.c");
    p.run("two.c"); // config.h replayed while wrap.h is recorded
    uint64_t before = p.hits();
    CHECK(before == 1);
    CHECK(has(p.run("two.c").files, p.tree.path("inc/feature.h"))); // wrap.h replayed
    CHECK(p.hits() > before);
}

TEST_CASE("#pragma once and include guards read before a visit are part of its entry") {
    Project p;
    p.tree.write("inc/top.h", "#include <once.h>\n#include <guarded.h>\n"
                              "#define TOP_A 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n");
    p.tree.write("inc/once.h", "#pragma once\n#include <from_once.h>\n");
    p.tree.write("inc/guarded.h", "#ifndef G_H\n#define G_H\n#include <from_guarded.h>\n#endif\n");
    p.tree.write("inc/from_once.h", "");
    p.tree.write("inc/from_guarded.h", "");
    p.tree.write("first.c", "#include <top.h>\n");
    p.tree.write("second.c", "#include <once.h>\n#include <guarded.h>\n#include <top.h>\n");
    p.run("first.c");
    auto a = p.run("second.c");
    CHECK(has(a.files, p.tree.path("inc/from_once.h")));
    p.run("first.c");

    // Only the #pragma once state differs between the recording and the replay.
    p.tree.write("inc/lib.h", "#pragma once\n#define LIB_MACRO 1\n");
    p.tree.write("inc/wrap.h", "#include <lib.h>\n"
                               "#define WRAP 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n");
    p.tree.write("wrong.h", "");
    p.tree.write("record.c", "#include <wrap.h>\n");
    p.tree.write("lib_first.c", "#include <lib.h>\n#undef LIB_MACRO\n#include <wrap.h>\n"
                                "#ifdef LIB_MACRO\n#include \"wrong.h\"\n#endif\n");
    p.tree.write("lib_after.c", "#include <wrap.h>\n#undef LIB_MACRO\n#include <lib.h>\n"
                                "#ifdef LIB_MACRO\n#include \"wrong.h\"\n#endif\n");
    p.run("record.c");
    CHECK_FALSE(has(p.run("lib_first.c").files, "wrong.h")); // the entry read "not seen yet"
    uint64_t before = p.hits();
    CHECK_FALSE(has(p.run("lib_after.c").files, "wrong.h")); // the replay marks it seen
    CHECK(p.hits() > before);
}

TEST_CASE("a visit under an undecided condition is remembered apart from a decided one") {
    Project p;
    p.tree.write("inc/def.h", "#define D 1\n#define D2 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
    p.tree.write("decided.c", "#include <def.h>\n#if D\n#include \"yes.h\"\n#endif\n");
    p.tree.write("undecided.c", "#if __has_builtin(x)\n#include <def.h>\n#endif\n"
                                "#if D\n#include \"yes.h\"\n#else\n#include \"no.h\"\n#endif\n");
    p.tree.write("yes.h", "");
    p.tree.write("no.h", "");
    p.run("decided.c");
    auto u = p.run("undecided.c");
    CHECK(has(u.files, "no.h")); // D is uncertain after an uncertain definition
}

TEST_CASE("an entry is not used once a file it visited, found or missed has changed") {
    Project p;
    p.tree.write("inc/h.h", "#include <dep.h>\n#define PAD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"
                            "#define PAD2 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n");
    p.tree.write("sys/dep.h", "");
    p.tree.write("main.c", "#include <h.h>\n");
    p.run("main.c");
    SUBCASE("a header edited") {
        p.tree.write("inc/h.h", "#include <dep.h>\n#include <new.h>\n#define PAD 1 2 3\n"
                                "#define PAD2 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n");
        p.tree.write("sys/new.h", "");
        CHECK(has(p.run("main.c").files, p.tree.path("sys/new.h")));
    }
    SUBCASE("a header created in an earlier search directory") {
        p.tree.write("inc/dep.h", "");
        auto a = p.run("main.c");
        CHECK(has(a.files, p.tree.path("inc/dep.h")));
        CHECK_FALSE(has(a.files, p.tree.path("sys/dep.h")));
    }
    SUBCASE("a header found before is gone") {
        REQUIRE(::unlink(p.tree.path("sys/dep.h").c_str()) == 0);
        CHECK_FALSE(p.run("main.c").trustworthy());
    }
    SUBCASE("a nested header edited") {
        p.tree.write("sys/dep.h", "#include <deeper.h>\n");
        p.tree.write("sys/deeper.h", "");
        CHECK(has(p.run("main.c").files, p.tree.path("sys/deeper.h")));
    }
}

TEST_CASE("problems and #pragma push_macro are never remembered") {
    Project p;
    p.tree.write("inc/bad.h", "#include <missing.h>\n#define PAD 1 2 3 4 5 6 7 8 9 10 11 12 13\n"
                              "#define PAD2 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n");
    p.tree.write("inc/push.h", "#pragma push_macro(\"X\")\n#undef X\n#pragma pop_macro(\"X\")\n"
                               "#define PAD3 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n");
    p.tree.write("main.c", "#include <bad.h>\n#include <push.h>\n");
    CHECK_FALSE(p.run("main.c").trustworthy());
    CHECK_FALSE(p.run("main.c").trustworthy());
    CHECK(p.memo.counters().recorded == 0);
    CHECK(p.hits() == 0);
}

TEST_CASE("the bounds: an entry that would go past the depth or the work is walked instead") {
    Project p;
    // chain0.h -> chain1.h -> ... -> chain150.h, each guarded.
    for (int i = 0; i <= 150; ++i) {
        std::string next = i < 150 ? "#include \"chain" + std::to_string(i + 1) + ".h\"\n" : "";
        p.tree.write("inc/chain" + std::to_string(i) + ".h", "#ifndef C" + std::to_string(i) +
                                                                 "\n#define C" + std::to_string(i) +
                                                                 "\n" + next + "#endif\n");
    }
    for (int i = 0; i < 60; ++i)
        p.tree.write("inc/lead" + std::to_string(i) + ".h",
                     i < 59 ? "#include \"lead" + std::to_string(i + 1) + ".h\"\n"
                            : "#include \"chain0.h\"\n");
    p.tree.write("short.c", "#include <chain0.h>\n");
    p.tree.write("deep.c", "#include <lead0.h>\n");
    CHECK(p.run("short.c").trustworthy());
    auto deep = p.run("deep.c"); // 60 + 151 levels: past gcc's 200
    CHECK_FALSE(deep.trustworthy());
    p.input.max_work = 2000;
    CHECK_FALSE(p.run("short.c").trustworthy()); // the bound, not the memo, decides
}

TEST_CASE("a memo past its size starts again empty, between walks, and answers the same") {
    Project p;
    p.memo = WalkMemo(6000); // one unit's entries, not two
    const std::string body = " 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24\n";
    for (const std::string set : {"a", "b"}) {
        std::string text;
        for (int i = 0; i < 6; ++i) {
            std::string n = set + std::to_string(i);
            p.tree.write("inc/" + n + ".h",
                         "#define H" + n + body + "#define I" + n + body + "#define J" + n + body);
            text += "#include <" + n + ".h>\n";
        }
        p.tree.write(set + ".c", text);
    }
    CHECK(p.run("a.c").files.size() == 7);
    CHECK(p.run("b.c").files.size() == 7); // past the bound now
    CHECK(p.memo.counters().resets == 0);  // never during a walk
    CHECK(p.run("a.c").files.size() == 7); // starts again empty: a.c is walked, recorded
    CHECK(p.memo.counters().resets == 1);
    CHECK(p.hits() == 0);
    CHECK(p.run("a.c").files.size() == 7);
    CHECK(p.hits() > 0);
}

TEST_CASE("a memo outlives the directive cache whose macros its entries hold") {
    // Entries borrow the macros they replay (MacroValue); the memo keeps the lexed files
    // that own them, so a replay through another cache (or after the first is gone) still
    // expands them. Under ASan, a dangling macro here is a use after free.
    Project p;
    std::string filler; // enough work for the visit to be remembered
    for (int k = 0; k < 8; ++k)
        filler += "#define FILLER_" + std::to_string(k) + " 1 2 3 4 5 6 7 8 9 10\n";
    p.tree.write("inc/v.h", "#define VERSION 3\n" + filler);
    p.tree.write("three.h", "");
    p.tree.write("main.c", "#include <v.h>\n#if VERSION == 3\n#include \"three.h\"\n#endif\n");
    p.input.source = "main.c";
    {
        DirectiveCache first;
        CHECK(has(analyse(p.fs, first, p.input, &p.memo).files, "three.h"));
    }
    CHECK(p.memo.counters().recorded > 0);
    DirectiveCache second;
    auto replayed = analyse(p.fs, second, p.input, &p.memo);
    CHECK(p.hits() > 0);
    CHECK(has(replayed.files, "three.h"));
}
