// The make-rule parser on what gcc 12 and clang 14 write (the texts below were copied from
// their -M output), and the forced-include pass run against the installed compilers.
#include "client/forced_includes.hpp"
#include "tests/unit/support/skip.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <algorithm>
#include <cstdlib>
#include <doctest/doctest.h>
#include <set>

using namespace ferry;
using namespace ferry::client;
using Words = std::vector<std::string>;

namespace {

bool have(const std::string& program) {
    const char* path = std::getenv("PATH");
    return !find_in_path(program, path ? path : "").empty();
}

bool any_file(const std::string&) {
    return true;
}

} // namespace

TEST_CASE("make rules: gcc's continuations and escapes") {
    // gcc -I./include -include ./include/linux/kconfig.h -imacros './we ird/h #$x\y.h'
    //     -include './we ird/b\ c.h' -M -MT t -x c /dev/null
    const char* text = "t: /dev/null we\\ ird/h\\ \\#$$x\\y.h \\\n"
                       " /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h \\\n"
                       " /usr/include/stdc-predef.h include/linux/kconfig.h \\\n"
                       " include/linux/types2.h we\\ ird/b\\\\\\ c.h\n";
    auto rule = parse_make_rule(text);
    REQUIRE(rule);
    CHECK(rule->targets == Words{"t"});
    CHECK(rule->prerequisites == Words{"/dev/null", "we ird/h #$x\\y.h",
                                       "/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h",
                                       "/usr/include/stdc-predef.h", "include/linux/kconfig.h",
                                       "include/linux/types2.h", "we ird/b\\ c.h"});
}

TEST_CASE("make rules: clang's layout") {
    const char* text = "ferry-make-rule: /dev/null include/linux/kconfig.h \\\n"
                       "  /usr/lib/llvm-14/lib/clang/14.0.6/include/stddef.h \\\n"
                       "  include/linux/types2.h\n";
    auto rule = parse_make_rule(text);
    REQUIRE(rule);
    CHECK(rule->targets == Words{"ferry-make-rule"});
    CHECK(rule->prerequisites == Words{"/dev/null", "include/linux/kconfig.h",
                                       "/usr/lib/llvm-14/lib/clang/14.0.6/include/stddef.h",
                                       "include/linux/types2.h"});
}

TEST_CASE("make rules: backslash runs, colons, blank lines") {
    auto rule = parse_make_rule("a b:\tx\\\\\\\\ y\\z c:d \\\\\\#e\n\n");
    REQUIRE(rule);
    CHECK(rule->targets == Words{"a", "b"});
    // Two backslashes before a space stand for one and the space separates; a backslash
    // before anything else is itself; a ':' after the targets belongs to the name.
    CHECK(rule->prerequisites == Words{"x\\\\", "y\\z", "c:d", "\\#e"});

    auto no_prereqs = parse_make_rule("t:\n");
    REQUIRE(no_prereqs);
    CHECK(no_prereqs->targets == Words{"t"});
    CHECK(no_prereqs->prerequisites.empty());

    auto crlf = parse_make_rule("t: a \\\r\n b\r\n");
    REQUIRE(crlf);
    CHECK(crlf->prerequisites == Words{"a", "b"});
}

TEST_CASE("make rules: what cannot be trusted is an error") {
    // A name with a newline ends the rule: the rest reads as a second one.
    CHECK_FALSE(parse_make_rule("t: /dev/null we\nird.h\n"));
    CHECK_FALSE(parse_make_rule("t: a\nu: b\n"));
    CHECK_FALSE(parse_make_rule("t: a # comment\n"));
    CHECK_FALSE(parse_make_rule("t: a$b\n"));
    CHECK_FALSE(parse_make_rule("t: a$\n"));
    CHECK_FALSE(parse_make_rule("no colon here\n"));
    CHECK_FALSE(parse_make_rule(": a\n"));
    CHECK_FALSE(parse_make_rule(""));
    auto error = parse_make_rule("t: a\nu: b\n");
    REQUIRE_FALSE(error);
    CHECK(error.error().code == Errc::invalid);
}

TEST_CASE("forced-include files: the pass's own target, without /dev/null, each a file") {
    const char* text = "ferry-make-rule: /dev/null inc/a.h /usr/include/stddef.h\n";
    std::set<std::string> asked;
    auto files = make_rule_files(text, "/w", [&](const std::string& p) {
        asked.insert(p);
        return true;
    });
    REQUIRE(files);
    CHECK(*files == Words{"inc/a.h", "/usr/include/stddef.h"});
    CHECK(asked == std::set<std::string>{"/w/inc/a.h", "/usr/include/stddef.h"});

    auto missing = make_rule_files(
        text, "/w", [](const std::string& p) { return p != "/usr/include/stddef.h"; });
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == Errc::compile_locally);

    CHECK_FALSE(make_rule_files("other: /dev/null a.h\n", "/w", any_file));
    CHECK_FALSE(make_rule_files("ferry-make-rule x: a.h\n", "/w", any_file));
}

TEST_CASE("-M pass: the arguments, on an empty translation unit or on the source") {
    compiler::Analysis a;
    a.language = "c++";
    a.source = "src/a.c";
    a.make_rule_pass = compiler::MakeRulePass::empty_unit;
    a.make_rule_args = {"-include", "pre.h", "-O2"};
    CHECK(make_rule_pass_args(a) == Words{"-include", "pre.h", "-O2", "-M", "-MT",
                                          "ferry-make-rule", "-x", "c++", "/dev/null"});
    a.make_rule_pass = compiler::MakeRulePass::source;
    CHECK(make_rule_pass_args(a) ==
          Words{"-include", "pre.h", "-O2", "-M", "-MT", "ferry-make-rule", "src/a.c"});
}

TEST_CASE("forced-include pass: the installed compilers list what the forced includes read") {
    auto dir = TempDir::create("/tmp", "ferry-forced-test");
    REQUIRE(dir);
    const std::string root = dir->path();
    REQUIRE(make_dirs(root + "/include/linux"));
    REQUIRE(make_dirs(root + "/we ird"));
    REQUIRE(write_file(root + "/include/linux/kconfig.h",
                       "#include <linux/types.h>\n#include <stddef.h>\n#define CONFIG_X 1\n"));
    REQUIRE(write_file(root + "/include/linux/types.h", "typedef int t;\n"));
    REQUIRE(write_file(root + "/include/macros.h", "#include \"linux/types.h\"\n#define M 2\n"));
    REQUIRE(write_file(root + "/we ird/h #$x.h", "#define W 1\n"));
    REQUIRE(write_file(root + "/lib.c", "int f(void) { return CONFIG_X + M + W; }\n"));
    REQUIRE(write_file(root + "/back\\slash.h", "#define B 1\n"));

    for (const char* compiler : {"gcc", "clang"}) {
        if (ferry::test::skip_unless(have(compiler), std::string("no ") + compiler)) continue;
        CAPTURE(compiler);
        const std::string cc = find_in_path(compiler, std::getenv("PATH"));
        auto a = compiler::analyse(
            compiler, {"-Wp,-MMD,.lib.o.d", "-I./include", "-include", "./include/linux/kconfig.h",
                       "-imacros", root + "/include/macros.h", "-include", "we ird/h #$x.h",
                       "-DX=\"a b\"", "-c", "-o", "lib.o", "lib.c"});
        REQUIRE(a.remote);
        auto files = list_make_rule_files(cc, a, root);
        REQUIRE(files);
        std::set<std::string> got(files->begin(), files->end());
        CHECK(got.count("include/linux/kconfig.h") == 1);
        CHECK(got.count("include/linux/types.h") == 1);
        CHECK(got.count(root + "/include/macros.h") == 1);
        CHECK(got.count("we ird/h #$x.h") == 1);
        // A system header reached only through a forced include (-M, not -MM).
        CHECK(std::count_if(got.begin(), got.end(), [](const std::string& f) {
                  return f.starts_with('/') && f.ends_with("/stddef.h");
              }) == 1);
        // clang's -Wp,-MMD is -MMD: that pass runs on the source, gcc's on an empty unit.
        const bool on_source = std::string(compiler) == "clang";
        CHECK(a.make_rule_pass ==
              (on_source ? compiler::MakeRulePass::source : compiler::MakeRulePass::empty_unit));
        CHECK(got.count("lib.c") == (on_source ? 1 : 0));
        CHECK(got.count("/dev/null") == 0);

        // A missing forced include: the pass fails and the job runs locally.
        auto missing = compiler::analyse(compiler, {"-include", "nope.h", "-c", "lib.c"});
        REQUIRE(missing.remote);
        CHECK_FALSE(list_make_rule_files(cc, missing, root));

        // Measured: clang writes a '\' in a name as '/', so the listed file does not exist and
        // the job runs locally; gcc keeps it.
        auto back = compiler::analyse(compiler, {"-include", "back\\slash.h", "-c", "lib.c"});
        REQUIRE(back.remote);
        auto listed = list_make_rule_files(cc, back, root);
        if (std::string(compiler) == "gcc") {
            REQUIRE(listed);
            CHECK(std::find(listed->begin(), listed->end(), "back\\slash.h") != listed->end());
        } else {
            CHECK_FALSE(listed);
        }
    }
}

TEST_CASE("-M pass on the source: clang -MMD ships system headers its scan cannot list") {
    if (ferry::test::skip_unless(have("clang"), "no clang")) return;
    auto dir = TempDir::create("/tmp", "ferry-make-rule-test");
    REQUIRE(dir);
    const std::string root = dir->path();
    REQUIRE(make_dirs(root + "/inc"));
    REQUIRE(write_file(root + "/inc/h.h", "#include <stddef.h>\n"));
    REQUIRE(write_file(root + "/pre.h", "#define PRE 1\n"));
    REQUIRE(write_file(root + "/a.c", "#include \"h.h\"\nsize_t n = PRE;\n"));
    const std::string cc = find_in_path("clang", std::getenv("PATH"));
    auto a = compiler::analyse("clang", {"-Iinc", "-include", "pre.h", "-MMD", "-c", "a.c"});
    REQUIRE(a.remote);
    REQUIRE(a.make_rule_pass == compiler::MakeRulePass::source);
    auto files = list_make_rule_files(cc, a, root);
    REQUIRE(files);
    std::set<std::string> got(files->begin(), files->end());
    CHECK(got.count("a.c") == 1);
    CHECK(got.count("pre.h") == 1);
    CHECK(got.count("inc/h.h") == 1);
    CHECK(std::count_if(got.begin(), got.end(), [](const std::string& f) {
              return f.starts_with('/') && f.ends_with("/stddef.h");
          }) == 1);
}
