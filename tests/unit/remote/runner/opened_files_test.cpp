// The runner's list of opened files for the proof step: from the make rule the compile was
// asked to write (texts as gcc 12 and clang 14 write them), never from stderr.
#include "remote/runner/compile_command.hpp"
#include "remote/runner/opened_files.hpp"
#include "util/fs.hpp"
#include "util/temp_dir.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::runner;
using Words = std::vector<std::string>;

TEST_CASE("opened files: a gcc rule, continuations and escaped spaces") {
    auto files = opened_from_rule("m.o: m.c /usr/include/stdio.h \\\n"
                                  " /usr/include/x86_64-linux-gnu/bits/libc-header-start.h \\\n"
                                  " inc/my\\ header.h a.h\n",
                                  "");
    REQUIRE(files);
    CHECK(*files == Words{"m.c", "/usr/include/stdio.h",
                          "/usr/include/x86_64-linux-gnu/bits/libc-header-start.h",
                          "inc/my header.h", "a.h"});
}

TEST_CASE("opened files: an unsandboxed runner's mirror root is removed, and only it") {
    auto files = opened_from_rule("m.o: /job/root/src/m.c /job/root/usr/include/stdio.h "
                                  "/job/rootless.h rel.h\n",
                                  "/job/root");
    REQUIRE(files);
    CHECK(*files == Words{"/src/m.c", "/usr/include/stdio.h", "/job/rootless.h", "rel.h"});
}

TEST_CASE("opened files: what is not one rule is no list") {
    CHECK_FALSE(opened_from_rule("m.o: a.h\nb.o: b.h\n", ""));
    CHECK_FALSE(opened_from_rule("no rule here\n", ""));
    // A name with a newline is written raw by gcc and ends the rule.
    CHECK_FALSE(opened_from_rule("m.o: m.c we\nird.h\n", ""));
}

TEST_CASE("opened files: the rule is read without following a link, and must exist") {
    auto made = TempDir::create("/tmp", "ferry-opened-test-");
    REQUIRE(made);
    TempDir dir = std::move(*made);
    const std::string rule = dir.path() + "/" + std::string(kOpenedRuleName);
    CHECK_FALSE(read_opened(rule, ""));
    REQUIRE(write_file(dir.path() + "/elsewhere.d", "x.o: /etc/passwd\n"));
    REQUIRE(::symlink((dir.path() + "/elsewhere.d").c_str(), rule.c_str()) == 0);
    CHECK_FALSE(read_opened(rule, ""));
    ::unlink(rule.c_str());
    REQUIRE(write_file(rule, "m.o: m.c a.h\n"));
    auto files = read_opened(rule, "");
    REQUIRE(files);
    CHECK(*files == Words{"m.c", "a.h"});
}

TEST_CASE("opened files: the runner asks for the rule only when the job wants it and can") {
    proto::JobRequest request;
    request.compiler_name = "gcc";
    request.args = {"-O2", "-c", "m.c", "-o", "m.o"};
    request.toolchain.program = "/usr/bin/gcc";
    auto plain = build_sandboxed_command(request, "/job");
    CHECK(std::find(plain.argv.begin(), plain.argv.end(), "-MD") == plain.argv.end());

    request.list_opened = true;
    CHECK(lists_opened(request));
    auto listed = build_sandboxed_command(request, "/job");
    Words tail(listed.argv.end() - 3, listed.argv.end());
    CHECK(tail == Words{"-MD", "-MF", "/.ferry-tmp/ferry-opened.d"});
    // Not -H: gcc records it in DW_AT_producer, and its lines share stderr with the user's.
    CHECK(std::find(listed.argv.begin(), listed.argv.end(), "-H") == listed.argv.end());

    // The user's own dependency options: nothing added, nothing listed.
    for (const char* dep : {"-MD", "-MMD", "-M", "-MF", "-Wp,-MD,x.d"}) {
        request.args = {"-c", "m.c", dep};
        CHECK_FALSE(lists_opened(request));
        auto cmd = build_sandboxed_command(request, "/job");
        CHECK(std::find(cmd.argv.begin(), cmd.argv.end(), "/.ferry-tmp/ferry-opened.d") ==
              cmd.argv.end());
    }
}

TEST_CASE("opened files: the user's own depfile, -MP's phony rules included, is the list") {
    const Words args = {"-MMD", "-MP", "-MF", "out/x.d", "-c", "x.c", "-o", "out/x.o"};
    // gcc writes -MP's rules without blank lines, clang with.
    for (std::string text : {"out/x.o: x.c in\\ c/d$$.h a.h\nin\\ c/d$$.h:\na.h:\n",
                             "out/x.o: x.c in\\ c/d$$.h \\\n  a.h\n\nin\\ c/d$$.h:\n\na.h:\n"}) {
        CAPTURE(text);
        auto files = opened_from_depfile("gcc", args, {{"out/x.o", "obj"}, {"out/x.d", text}});
        REQUIRE(files);
        CHECK(*files == Words{"x.c", "in c/d$.h", "a.h"});
    }
    // No depfile among the outputs (a compile that wrote none), or another file: no list.
    CHECK_FALSE(opened_from_depfile("gcc", args, {{"out/x.o", "obj"}}));
    CHECK_FALSE(opened_from_depfile("gcc", args, {{"x.d", "x.o: x.c\n"}}));
    // A second rule that is not a phony one of the first's prerequisites (a name with a
    // newline ends the rule): no list rather than a shorter one.
    CHECK_FALSE(opened_from_depfile("gcc", args, {{"out/x.d", "out/x.o: x.c we\nird.h: a.h\n"}}));
    CHECK_FALSE(opened_from_depfile("gcc", args, {{"out/x.d", "out/x.o: x.c a.h\nb.h:\n"}}));
    // The default depfile of -MD without -MF, and Kbuild's -Wp, spelling.
    auto md = opened_from_depfile("gcc", {"-MD", "-c", "src/x.c"}, {{"x.d", "x.o: src/x.c\n"}});
    REQUIRE(md);
    CHECK(*md == Words{"src/x.c"});
    auto wp = opened_from_depfile("gcc", {"-Wp,-MMD,lib/.x.o.d", "-c", "lib/x.c", "-o", "lib/x.o"},
                                  {{"lib/.x.o.d", "x.o: lib/x.c lib/x.h\n"}});
    REQUIRE(wp);
    CHECK(*wp == Words{"lib/x.c", "lib/x.h"});
    // -MT writes its value verbatim, a '$' too; the prerequisites' are doubled.
    auto target = opened_from_depfile("gcc", {"-MD", "-MT", "a b$", "-c", "x.c"},
                                      {{"x.d", "a b$: x.c d$$.h\n"}});
    REQUIRE(target);
    CHECK(*target == Words{"x.c", "d$.h"});
    CHECK_FALSE(opened_from_depfile("gcc", {"-MD", "-c", "x.c"}, {{"x.d", "x.o: x.c d$.h\n"}}));
}
