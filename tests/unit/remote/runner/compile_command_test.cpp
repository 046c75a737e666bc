#include "remote/runner/compile_command.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace ferry;
using namespace ferry::runner;

static compiler::Identity gcc() {
    compiler::Identity id;
    id.path = "/usr/bin/gcc-12";
    id.name = "gcc";
    id.driver = "c";
    id.id = std::string(32, 'a');
    return id;
}

static bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_CASE("build_compile_command adds the mirror options after the client's arguments") {
    proto::JobRequest r;
    r.cwd = "/home/u/p";
    r.language = "c";
    r.system_include_dirs = {"/usr/lib/gcc/x86_64-linux-gnu/12/include", "/usr/include"};
    std::vector<std::string> rerooted = {"-c", "a.c", "-o", "a.o", "-I/J/root/opt/inc"};
    auto cmd = build_compile_command(gcc(), r, "/J/root", rerooted, "/J", "/usr/bin:/bin");
    CHECK(cmd.program == "/usr/bin/gcc-12");
    CHECK(cmd.cwd == "/J/root/home/u/p");
    std::vector<std::string> expected = {"gcc",
                                         "-ffile-prefix-map=/J/root=",
                                         "-c",
                                         "a.c",
                                         "-o",
                                         "a.o",
                                         "-I/J/root/opt/inc",
                                         "-nostdinc",
                                         "-isystem",
                                         "/J/root/usr/lib/gcc/x86_64-linux-gnu/12/include",
                                         "-isystem",
                                         "/J/root/usr/include"};
    CHECK(cmd.argv == expected);
    CHECK(contains(cmd.env, "PATH=/usr/bin:/bin"));
    CHECK(contains(cmd.env, "TMPDIR=/J"));
}

TEST_CASE("C++ gets -nostdinc++, a terminal gets colour") {
    proto::JobRequest r;
    r.cwd = "/p";
    r.language = "c++";
    r.color_diagnostics = true;
    auto cmd = build_compile_command(gcc(), r, "/J/root", {"-c", "a.cc"}, "/J", "/bin");
    CHECK(contains(cmd.argv, "-nostdinc++"));
    CHECK(cmd.argv.back() == "-fdiagnostics-color=always");
    r.language = "c";
    r.color_diagnostics = false;
    auto c = build_compile_command(gcc(), r, "/J/root", {"-c", "a.c"}, "/J", "/bin");
    CHECK_FALSE(contains(c.argv, "-nostdinc++"));
    CHECK_FALSE(contains(c.argv, "-fdiagnostics-color=always"));
}

TEST_CASE("only allowlisted client variables reach the compiler") {
    proto::JobRequest r;
    r.cwd = "/p";
    r.env = {{"LANG", "de_DE.UTF-8"}, {"SOURCE_DATE_EPOCH", "1"}, {"CPATH", "/evil"},
             {"LD_PRELOAD", "x.so"},  {"PATH", "/evil/bin"},      {"TMPDIR", "/evil"},
             {"LANG", "fr_FR.UTF-8"}};
    auto cmd = build_compile_command(gcc(), r, "/J/root", {}, "/J", "/usr/bin");
    CHECK(contains(cmd.env, "LANG=de_DE.UTF-8"));
    CHECK_FALSE(contains(cmd.env, "LANG=fr_FR.UTF-8"));
    CHECK(contains(cmd.env, "SOURCE_DATE_EPOCH=1"));
    CHECK(contains(cmd.env, "PATH=/usr/bin"));
    CHECK(contains(cmd.env, "TMPDIR=/J"));
    CHECK(cmd.env.size() == 4);
    CHECK(is_allowed_env("GCC_COLORS"));
    CHECK_FALSE(is_allowed_env("COMPILER_PATH"));
    CHECK_FALSE(is_allowed_env("GCC_EXEC_PREFIX"));
}

TEST_CASE("a variable whose value holds a path is dropped") {
    proto::JobRequest r;
    r.cwd = "/p";
    // glibc reads a locale name with a '/' as a file to load.
    r.env = {{"LC_ALL", "/etc/passwd"}, {"LANG", "../../x"}, {"LC_CTYPE", "C.UTF-8"}};
    auto cmd = build_compile_command(gcc(), r, "/J/root", {}, "/J", "/usr/bin");
    CHECK(contains(cmd.env, "LC_CTYPE=C.UTF-8"));
    CHECK_FALSE(contains(cmd.env, "LC_ALL=/etc/passwd"));
    CHECK_FALSE(contains(cmd.env, "LANG=../../x"));
    CHECK(cmd.env.size() == 3);
}

TEST_CASE("PWD travels only as an absolute, normalised path") {
    CHECK(is_allowed_pwd("/home/u/link/src"));
    CHECK(is_allowed_pwd("/"));
    for (const char* bad : {"", "rel/dir", "/a/../etc", "/a/./b", "/a//b", "/a/b/"})
        CHECK_FALSE(is_allowed_pwd(bad));
    CHECK_FALSE(is_allowed_pwd(std::string_view("/a\0b", 4)));
    proto::JobRequest r;
    r.cwd = "/p";
    r.env = {{"PWD", "/home/u/link"}};
    CHECK(contains(build_sandboxed_command(r, "/J").env, "PWD=/home/u/link"));
    r.env = {{"PWD", "/home/u/../../etc"}};
    for (const auto& kv : build_sandboxed_command(r, "/J").env)
        CHECK_FALSE(kv.starts_with("PWD="));
}

TEST_CASE("strip_root removes every occurrence of the root") {
    std::string root = "/tmp/ferryd-x/jobs/job-1/root";
    std::string err = root + "/home/u/a.c:3:1: error: x\nIn file included from " + root +
                      "/usr/include/stdio.h:1,\n";
    CHECK(strip_root(err, root) ==
          "/home/u/a.c:3:1: error: x\nIn file included from /usr/include/stdio.h:1,\n");
    CHECK(strip_root("nothing here", root) == "nothing here");
    CHECK(strip_root(root + root, root).empty());
    CHECK(strip_root("abc", "") == "abc");
}
