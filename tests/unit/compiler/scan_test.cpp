// The scan-output parser, on captured output and on what the installed gcc and clang print.
#include "compiler/scan.hpp"
#include "tests/unit/support/skip.hpp"
#include "util/fs.hpp"
#include "util/subprocess.hpp"
#include "util/temp_dir.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::compiler;

namespace {

// gcc 12 on Debian 12, `gcc -I"in c" -iquote q -isystem /usr/include/x86_64-linux-gnu
// -c m.c -E -o /dev/null -H -v` (driver lines shortened).
constexpr const char* kGccSample = R"(Using built-in specs.
COLLECT_GCC=gcc
Target: x86_64-linux-gnu
gcc version 12.2.0 (Debian 12.2.0-14+deb12u1) 
COLLECT_GCC_OPTIONS='-I' 'in c' '-iquote' 'q' '-c' '-E' '-o' '/dev/null' '-H' '-v'
 /usr/lib/gcc/x86_64-linux-gnu/12/cc1 -E -quiet -v -I in c -iquote q m.c -o /dev/null -H
ignoring nonexistent directory "/usr/local/include/x86_64-linux-gnu"
ignoring duplicate directory "/usr/include/x86_64-linux-gnu"
#include "..." search starts here:
 q
#include <...> search starts here:
 in c
 /usr/include/x86_64-linux-gnu
 /usr/lib/gcc/x86_64-linux-gnu/12/include
 /usr/local/include
 /usr/include
End of search list.
. in c/a b.h
. q/q.h
. /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h
.. /usr/include/x86_64-linux-gnu/bits/types.h
... /usr/include/x86_64-linux-gnu/bits/wordsize.h
. q/q.h
m.c:3:2: warning: #warning careful [-Wcpp]
Multiple include guards may be useful for:
./forced.h
/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h
q/q.h
COMPILER_PATH=/usr/lib/gcc/x86_64-linux-gnu/12/:/usr/lib/gcc/x86_64-linux-gnu/
COLLECT_GCC_OPTIONS='-I' 'in c' '-iquote' 'q' '-c' '-E' '-o' '/dev/null' '-H' '-v'
)";

// Apple clang's shape: framework directories are marked.
constexpr const char* kClangSample = "clang version 14.0.6\r\n"
                                     "#include \"...\" search starts here:\r\n"
                                     "#include <...> search starts here:\r\n"
                                     " /usr/local/include\r\n"
                                     " /Library/Frameworks (framework directory)\r\n"
                                     "End of search list.\r\n"
                                     ". ./a.h\r\n"
                                     ".. /usr/include/b.h\r\n";

bool have(const std::string& program) {
    return !find_in_path(program, getenv("PATH") ? getenv("PATH") : "").empty();
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace

TEST_CASE("parse_scan_output: captured gcc output") {
    auto scan = parse_scan_output(kGccSample);
    CHECK(scan.headers ==
          std::vector<std::string>{"in c/a b.h", "q/q.h",
                                   "/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h",
                                   "/usr/include/x86_64-linux-gnu/bits/types.h",
                                   "/usr/include/x86_64-linux-gnu/bits/wordsize.h"});
    CHECK(scan.quote_dirs == std::vector<std::string>{"q"});
    CHECK(scan.angle_dirs == std::vector<std::string>{"in c", "/usr/include/x86_64-linux-gnu",
                                                      "/usr/lib/gcc/x86_64-linux-gnu/12/include",
                                                      "/usr/local/include", "/usr/include"});
    CHECK(scan.missing_dirs == std::vector<std::string>{"/usr/local/include/x86_64-linux-gnu"});
}

TEST_CASE("parse_scan_output: CRLF, framework directories, empty quote list") {
    auto scan = parse_scan_output(kClangSample);
    CHECK(scan.headers == std::vector<std::string>{"./a.h", "/usr/include/b.h"});
    CHECK(scan.quote_dirs.empty());
    CHECK(scan.angle_dirs == std::vector<std::string>{"/usr/local/include", "/Library/Frameworks"});
}

TEST_CASE("parse_scan_output: lines that only look like -H lines") {
    auto scan = parse_scan_output(".\n. \n.x\n...\n.. ok.h\n. trailing space.h \n");
    CHECK(scan.headers == std::vector<std::string>{"ok.h", "trailing space.h "});
    CHECK(parse_scan_output("").headers.empty());
}

TEST_CASE("builtin_include_dirs drops the command line's directories") {
    ScanResult scan;
    scan.angle_dirs = {"inc", "/home/u/p/sys", "/usr/lib/gcc/x86_64-linux-gnu/12/include",
                       "/usr/include"};
    auto builtin = builtin_include_dirs(scan, {"./inc/", "sys"}, "/home/u/p");
    CHECK(builtin ==
          std::vector<std::string>{"/usr/lib/gcc/x86_64-linux-gnu/12/include", "/usr/include"});
    // A user directory that is also a built-in one (-isystem /usr/include) is the user's.
    CHECK(builtin_include_dirs(scan, {"/usr/include"}, "/") ==
          std::vector<std::string>{"inc", "/home/u/p/sys",
                                   "/usr/lib/gcc/x86_64-linux-gnu/12/include"});
}

TEST_CASE("parse_scan_output: what the installed compilers print") {
    auto dir = TempDir::create("/tmp", "ferry-scan-test");
    REQUIRE(dir);
    const std::string root = dir->path();
    REQUIRE(make_dirs(root + "/in c"));
    REQUIRE(make_dirs(root + "/q"));
    REQUIRE(write_file(root + "/in c/a b.h", "#pragma once\n#define A 1\n"));
    REQUIRE(write_file(root + "/q/q.h", "#define Q 1\n"));
    REQUIRE(write_file(root + "/m.c",
                       "#include \"a b.h\"\n#include \"q.h\"\n#include <stddef.h>\nint x;\n"));
    for (const char* compiler : {"gcc", "clang"}) {
        CAPTURE(compiler);
        if (ferry::test::skip_unless(have(compiler), std::string("no ") + compiler)) continue;
        RunOptions run;
        run.argv = {compiler, "-I", "in c",      "-iquote", "q", "m.c",
                    "-E",     "-o", "/dev/null", "-H",      "-v"};
        run.cwd = root;
        auto result = run_process(run);
        REQUIRE(result);
        REQUIRE(result->exit_code == 0);
        auto scan = parse_scan_output(result->err);
        REQUIRE(scan.headers.size() >= 3);
        CHECK(scan.headers[0] == "in c/a b.h");
        CHECK(scan.headers[1] == "q/q.h");
        CHECK(scan.headers[2].ends_with("/stddef.h"));
        CHECK(scan.quote_dirs == std::vector<std::string>{"q"});
        REQUIRE_FALSE(scan.angle_dirs.empty());
        CHECK(scan.angle_dirs.front() == "in c");
        CHECK(contains(scan.angle_dirs, "/usr/include"));
        auto builtin = builtin_include_dirs(scan, {"in c", "q"}, root);
        CHECK_FALSE(contains(builtin, "in c"));
        CHECK(contains(builtin, "/usr/include"));
        CHECK(builtin.size() == scan.angle_dirs.size() - 1);
    }
}
