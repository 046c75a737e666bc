#include "coordinator/includes/analyser.hpp"
#include "temp_tree.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <unistd.h>

using namespace ferry::includes;
using ferry::includes::test::TempTree;

namespace {

struct Project {
    TempTree tree;
    RealFileSystem fs;
    DirectiveCache cache;
    AnalyserInput input;

    Project() {
        input.cwd = tree.root();
        input.source = "main.c";
        input.lists.angle_dirs = {tree.path("inc")};
    }
    Analysis run() { return analyse(fs, cache, input); }
};

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

bool refused(const Analysis& a, const std::string& words) {
    return std::any_of(a.problems.begin(), a.problems.end(), [&](const Problem& p) {
        return p.refuse && p.what.find(words) != std::string::npos;
    });
}

} // namespace

TEST_CASE("a computed include is followed; one that cannot be expanded is refused") {
    Project p;
    p.tree.write("main.c", "#define H \"a.h\"\n#include H\n#define SYS <b.h>\n#include SYS\n"
                           "#define STR(x) #x\n#define XSTR(x) STR(x)\n#define NAME c\n"
                           "#include XSTR(NAME.h)\n");
    p.tree.write("a.h", "");
    p.tree.write("inc/b.h", "");
    p.tree.write("c.h", "");
    auto a = p.run();
    CHECK(has(a.files, "a.h"));
    CHECK(has(a.files, p.tree.path("inc/b.h")));
    CHECK(has(a.files, "c.h"));
    CHECK(a.trustworthy());

    p.tree.write("main.c", "#include NOT_DEFINED\n");
    auto b = p.run();
    CHECK(refused(b, "computed #include"));
    CHECK(b.problems[0].line == 1);
    CHECK(b.problems[0].file == "main.c");
}

TEST_CASE("an undecided #if: both branches are followed, a decided one only its own") {
    Project p;
    p.tree.write("main.c", "#if __has_builtin(__builtin_foo)\n#include \"yes.h\"\n"
                           "#else\n#include \"no.h\"\n#include \"both.h\"\n#endif\n"
                           "#if __has_attribute(x)\n#include \"both.h\"\n#endif\n"
                           "#if 0\n#include \"dead.h\"\n#elif 1\n#include \"live.h\"\n"
                           "#else\n#include \"dead2.h\"\n#endif\n");
    for (auto name : {"yes.h", "no.h", "both.h", "dead.h", "live.h", "dead2.h"})
        p.tree.write(name, "");
    auto a = p.run();
    CHECK(has(a.files, "yes.h"));
    CHECK(has(a.files, "no.h"));
    CHECK(has(a.files, "both.h"));
    CHECK(has(a.files, "live.h"));
    CHECK_FALSE(has(a.files, "dead.h"));
    CHECK_FALSE(has(a.files, "dead2.h"));
    CHECK(a.trustworthy());
}

TEST_CASE("a macro defined in an undecided branch makes a later #if undecided") {
    Project p;
    p.tree.write("main.c",
                 "#if __has_feature(f)\n#define FAST 1\n#endif\n"
                 "#ifdef FAST\n#include \"fast.h\"\n#else\n#include \"slow.h\"\n#endif\n");
    p.tree.write("fast.h", "");
    p.tree.write("slow.h", "");
    auto a = p.run();
    CHECK(has(a.files, "fast.h"));
    CHECK(has(a.files, "slow.h"));
}

TEST_CASE("#pragma once reached by two paths is read once; include guards skip the rest") {
    Project p;
    p.tree.write("main.c", "#include \"once.h\"\n#include \"sub/../once.h\"\n"
                           "#include \"guarded.h\"\n#include \"guarded.h\"\n"
                           "#include \"elseguard.h\"\n#include \"elseguard.h\"\n"
                           "#include \"notguard.h\"\n#include \"notguard.h\"\n");
    p.tree.write("sub/keep", "");
    // The second reading would include twice.h: it must not happen.
    p.tree.write("once.h", "#pragma once\n#ifdef SEEN\n#include \"twice.h\"\n#endif\n"
                           "#define SEEN\n");
    p.tree.write("guarded.h", "#ifndef G_H\n#define G_H\n#include \"inner.h\"\n#endif\n");
    // Not an exact guard (#else): walked again, as the compiler reads it again.
    p.tree.write("elseguard.h", "#ifndef E_H\n#define E_H\n#else\n#include \"twice2.h\"\n#endif\n");
    // Not an exact guard (code after #endif): walked again, and the second walk includes.
    p.tree.write("notguard.h", "#ifndef N_H\n#define N_H\n#endif\n#ifdef N_H_2\n#include "
                               "\"third.h\"\n#endif\n#define N_H_2\n");
    for (auto name : {"twice.h", "twice2.h", "third.h", "inner.h"})
        p.tree.write(name, "");
    auto a = p.run();
    CHECK(has(a.files, "once.h"));
    CHECK(has(a.files, "sub/../once.h")); // looked up: the path must exist in the sandbox
    CHECK_FALSE(has(a.files, "twice.h"));
    CHECK(has(a.files, "inner.h"));
    CHECK(has(a.files, "twice2.h"));
    CHECK(has(a.files, "third.h"));
}

TEST_CASE("#include_next, -iquote and forced includes") {
    Project p;
    p.input.lists.quote_dirs = {p.tree.path("q")};
    p.input.lists.angle_dirs = {p.tree.path("wrap"), p.tree.path("inc")};
    p.input.forced = {{"forced.h", false}};
    p.tree.write("forced.h", "#define FROM_FORCED <picked.h>\n");
    p.tree.write("main.c", "#include <stdio.h>\n#include \"quoted.h\"\n#include FROM_FORCED\n");
    p.tree.write("wrap/stdio.h", "#include_next <stdio.h>\n");
    p.tree.write("inc/stdio.h", "");
    p.tree.write("q/quoted.h", "");
    p.tree.write("inc/quoted.h", "");
    p.tree.write("inc/picked.h", "");
    auto a = p.run();
    CHECK(has(a.files, "forced.h"));
    CHECK(has(a.files, p.tree.path("wrap/stdio.h")));
    CHECK(has(a.files, p.tree.path("inc/stdio.h")));
    CHECK(has(a.files, p.tree.path("q/quoted.h")));
    CHECK_FALSE(has(a.files, p.tree.path("inc/quoted.h")));
    CHECK(has(a.files, p.tree.path("inc/picked.h")));
    CHECK(has(a.probes, "quoted.h")); // next to main.c first
    CHECK(a.trustworthy());
}

TEST_CASE("__has_include: the file asked about is listed, a missing one probed") {
    Project p;
    p.tree.write("main.c", "#if __has_include(<opt.h>)\n#include <opt.h>\n#endif\n"
                           "#if __has_include(\"gone.h\")\n#include \"gone.h\"\n#endif\n");
    p.tree.write("inc/opt.h", "");
    auto a = p.run();
    CHECK(has(a.files, p.tree.path("inc/opt.h")));
    CHECK(has(a.probes, "gone.h"));
    CHECK(has(a.probes, p.tree.path("inc/gone.h")));
    CHECK(a.problems.empty());
}

TEST_CASE("_Pragma(\"once\") and push_macro under an undecided condition are refused") {
    Project p;
    p.tree.write("main.c", "#include \"p.h\"\n");
    p.tree.write("p.h", "_Pragma(\"once\")\n");
    CHECK(refused(p.run(), "_Pragma"));
    p.tree.write("main.c", "#define H \"a.h\"\n#if __has_feature(x)\n#pragma push_macro(\"H\")\n"
                           "#endif\n#include H\n");
    p.tree.write("a.h", "");
    CHECK(refused(p.run(), "push_macro"));
}

TEST_CASE("push_macro/pop_macro around a computed include, as the architecture notes") {
    Project p;
    p.tree.write("main.c", "#define H \"a.h\"\n#pragma push_macro(\"H\")\n#undef H\n"
                           "#define H \"b.h\"\n#include H\n#pragma pop_macro(\"H\")\n#include H\n");
    p.tree.write("a.h", "");
    p.tree.write("b.h", "");
    auto a = p.run();
    CHECK(has(a.files, "a.h"));
    CHECK(has(a.files, "b.h"));
    CHECK(a.trustworthy());
}

TEST_CASE("a header changed since the last walk is read again, not taken from the stamp memo") {
    Project p;
    p.tree.write("main.c", "#include \"h.h\"\n");
    p.tree.write("h.h", "#include \"first.h\"\n");
    p.tree.write("first.h", "");
    p.tree.write("second.h", "");
    CHECK(has(p.run().files, "first.h"));
    p.tree.write("h.h", "#include \"second.h\"\n"); // same size, same second
    auto a = p.run();
    CHECK(has(a.files, "second.h"));
    CHECK_FALSE(has(a.files, "first.h"));
}

TEST_CASE("#pragma once through a symbolic link: the same file, read once") {
    Project p;
    p.tree.write("main.c", "#include \"real/o.h\"\n#include \"alias/o.h\"\n");
    p.tree.write("real/o.h", "#pragma once\n#ifdef O_SEEN\n#include \"again.h\"\n#endif\n"
                             "#define O_SEEN\n");
    p.tree.write("again.h", "");
    REQUIRE(::symlink("real", p.tree.path("alias").c_str()) == 0);
    auto a = p.run();
    CHECK(has(a.files, "alias/o.h")); // looked up through the link: the link must be shipped
    CHECK_FALSE(has(a.files, "again.h"));
}

TEST_CASE("#elif after an undecided branch is undecided; a decided #if nests inside it") {
    Project p;
    p.tree.write("main.c", "#define V 3\n#if __has_builtin(x)\n#include \"a.h\"\n"
                           "#elif V == 3\n#if V > 1\n#include \"b.h\"\n#else\n#include \"c.h\"\n"
                           "#endif\n#elif 1\n#include \"d.h\"\n#endif\n");
    for (auto name : {"a.h", "b.h", "c.h", "d.h"})
        p.tree.write(name, "");
    auto a = p.run();
    CHECK(has(a.files, "a.h"));
    CHECK(has(a.files, "b.h"));
    CHECK_FALSE(has(a.files, "c.h"));
    CHECK_FALSE(has(a.files, "d.h")); // V == 3 is surely true: later branches are dead
}

TEST_CASE("a header not found in a decided group is refused; in an undecided one it is a probe") {
    Project p;
    p.tree.write("main.c", "#if __has_feature(x)\n#include <maybe_gone.h>\n#endif\n");
    auto a = p.run();
    CHECK(a.trustworthy());
    CHECK(has(a.probes, p.tree.path("inc/maybe_gone.h")));
    p.tree.write("main.c", "#include <gone.h>\n");
    CHECK(refused(p.run(), "not found"));
}

TEST_CASE("the __has_include names the walk evaluated: not those in a group the compile skips") {
    Project p;
    p.tree.write("main.c",
                 "#ifdef NEVER_DEFINED\n#if __has_include(<skipped.h>)\n#endif\n#endif\n"
                 "#if __has_attribute(cold)\n#if __has_include(\"maybe.h\")\n#endif\n#endif\n"
                 "#if __has_include(<taken.h>) && __has_include(<taken.h>)\n#endif\n");
    p.tree.write("inc/skipped.h", "");
    p.tree.write("inc/taken.h", "");
    auto a = p.run();
    CHECK(a.has_include_names == std::vector<std::string>{"maybe.h", "taken.h"});
    CHECK(has(a.files, p.tree.path("inc/taken.h")));
    CHECK_FALSE(has(a.files, p.tree.path("inc/skipped.h")));
}

TEST_CASE("the predefined macros are made once and shared; -D/-U in them still count") {
    Project p;
    p.input.predefined = "#define __GNUC__ 12\n#define GONE 1\n#undef GONE\n#define SEL 1\n";
    p.tree.write("main.c", "#if __GNUC__ >= 12 && !defined(GONE)\n#include \"new.h\"\n#endif\n"
                           "#undef SEL\n#define SEL 2\n");
    p.tree.write("new.h", "");
    auto a = p.run();
    CHECK(has(a.files, "new.h"));
    // The first walk changed SEL over the shared table: the second starts from the original.
    p.tree.write("main.c", "#if SEL == 1\n#include \"one.h\"\n#endif\n");
    p.tree.write("one.h", "");
    auto b = p.run();
    CHECK(has(b.files, "one.h"));
    CHECK(p.cache.defines_of(p.cache.get(p.input.predefined, p.input.lex)) != nullptr);
    // A predefined text with any other directive is walked as a file, every unit.
    p.input.predefined = "#define A 1\n#if A\n#define B 1\n#endif\n";
    p.tree.write("main.c", "#if B\n#include \"one.h\"\n#endif\n");
    CHECK(p.cache.defines_of(p.cache.get(p.input.predefined, p.input.lex)) == nullptr);
    CHECK(has(p.run().files, "one.h"));
}

// A hostile source (the analysis runs on every unit by default): each runaway ends in a
// refusal or in both branches, never in a missing file or an endless walk.
TEST_CASE("hostile sources: endless recursion, an exploding walk, an expansion bomb") {
    Project p;
    SUBCASE("a header that includes itself without a guard is refused at gcc's depth") {
        p.tree.write("main.c", "#include \"self.h\"\n");
        p.tree.write("self.h", "#include \"self.h\"\n");
        auto a = p.run();
        CHECK(refused(a, "#include nested too deeply"));
        CHECK(has(a.files, "self.h"));
    }
    SUBCASE("a walk that doubles through undecided groups stops and is refused") {
        // f0 includes f1 twice, f1 f2 twice...: 2^18 visits, past the walk's bound.
        p.tree.write("main.c", "#include \"f0.h\"\n");
        for (int i = 0; i < 18; ++i)
            p.tree.write("f" + std::to_string(i) + ".h",
                         "#if __has_builtin(x)\n#include \"f" + std::to_string(i + 1) +
                             ".h\"\n#endif\n#include \"f" + std::to_string(i + 1) + ".h\"\n");
        p.tree.write("f18.h", "");
        auto a = p.run();
        CHECK(refused(a, "the walk is too large"));
    }
    SUBCASE("an #if whose expansion explodes is undecided: both branches are walked") {
        std::string text = "#define A0 1\n";
        for (int i = 1; i <= 20; ++i)
            text += "#define A" + std::to_string(i) + " A" + std::to_string(i - 1) + "+A" +
                    std::to_string(i - 1) + "\n";
        text += "#if A20\n#include \"yes.h\"\n#else\n#include \"no.h\"\n#endif\n#include A20\n";
        p.tree.write("main.c", text);
        p.tree.write("yes.h", "");
        p.tree.write("no.h", "");
        auto a = p.run();
        CHECK(has(a.files, "yes.h"));
        CHECK(has(a.files, "no.h"));
        CHECK(refused(a, "computed #include"));
    }
}

namespace {

// Counts the search's probes: how far a walk went.
struct CountingFileSystem final : FileSystem {
    RealFileSystem real;
    size_t probes = 0;
    bool is_file(const std::string& path) override {
        ++probes;
        return real.is_file(path);
    }
    std::optional<std::string> read(const std::string& path) override { return real.read(path); }
    std::optional<FileStamp> stamp(const std::string& path) override { return real.stamp(path); }
};

// Included twice per visit, once under an undecided condition: visited until a bound stops it.
const std::string k_self_twice =
    "#if __has_builtin(x)\n#include \"self.h\"\n#endif\n#include \"self.h\"\n";

} // namespace

// Found with tests/fuzz/fuzz_includes (corpus/includes/regress-walk-work): the bound on visits
// alone let each visit cost what its header holds, so a small header made the walk take
// minutes and gigabytes.
TEST_CASE("hostile sources: the walk's work is bounded, not only its visits") {
    Project p;
    CountingFileSystem fs;
    p.tree.write("main.c", "#include \"self.h\"\n");
    SUBCASE("a long #define, the default bound: stopped long before 200 000 visits") {
        std::string text = k_self_twice + "#define LONG";
        for (int i = 0; i < 2000; ++i)
            text += " x";
        p.tree.write("self.h", text + "\n");
        REQUIRE(p.input.max_work == k_max_walk_work);
        auto a = analyse(fs, p.cache, p.input);
        CHECK(refused(a, "the walk is too large"));
        // Two probes a visit: about 5 000 here; the bound on visits alone let it make 400 000.
        CHECK(fs.probes < 10000);
    }
    SUBCASE("a costly #if: its expansion is work (a smaller bound: the default takes 10 s "
            "under ASan)") {
        std::string text = "#define A0 1\n";
        for (int i = 1; i <= 13; ++i)
            text += "#define A" + std::to_string(i) + " A" + std::to_string(i - 1) + "+A" +
                    std::to_string(i - 1) + "\n";
        p.tree.write("self.h", text + "#if A13\n#endif\n" + k_self_twice);
        p.input.max_work = 200000;
        auto a = analyse(fs, p.cache, p.input);
        CHECK(refused(a, "the walk is too large"));
        // Some 25 expansions of 8 000 steps each; visits alone allow 200 000 of them.
        CHECK(fs.probes < 100);
    }
    SUBCASE("_Pragma problems and #defines are work too; a smaller bound") {
        std::string text = k_self_twice;
        for (int i = 0; i < 50; ++i)
            text += "_Pragma(\"once\")\n#define LONG_MACRO_NAME_" + std::to_string(i) + " 1\n";
        p.tree.write("self.h", text);
        p.input.max_work = 100000;
        auto a = analyse(fs, p.cache, p.input);
        CHECK(refused(a, "the walk is too large"));
        CHECK(a.problems.size() < 3000);
        CHECK(fs.probes < 200);
    }
}
