// The runner's policy: hostile arguments are refused, paths move under the job root.
#include "compiler/args.hpp"

#include <doctest/doctest.h>
#include <sstream>

using namespace ferry;
using namespace ferry::compiler;

namespace {

constexpr const char* kRoot = "/jobs/7/root";
constexpr const char* kCwd = "/home/u/p";

std::vector<std::string> w(const char* words) {
    std::vector<std::string> out;
    std::istringstream in(words);
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

std::vector<std::string> rerooted(const std::vector<std::string>& args) {
    auto result = reroot_args(args, kRoot, kCwd);
    if (!result) FAIL("refused: " << result.error().message);
    return *result;
}

// Refused with Errc::refused and a message naming `names`.
void check_refused(const std::vector<std::string>& args, const std::string& names) {
    auto result = reroot_args(args, kRoot, kCwd);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::refused);
    CAPTURE(result.error().message);
    CHECK(result.error().message.find(names) != std::string::npos);
}

} // namespace

TEST_CASE("reroot: absolute paths move under the root in every spelling") {
    CHECK(rerooted(w("-c /src/a.c -o /out/a.o")) ==
          w("-c /jobs/7/root/src/a.c -o /jobs/7/root/out/a.o"));
    CHECK(rerooted(w("-c a.c -o/out/a.o --output=/out/b.o --output /out/c.o")) ==
          w("-c a.c -o/jobs/7/root/out/a.o --output=/jobs/7/root/out/b.o --output "
            "/jobs/7/root/out/c.o"));
    CHECK(
        rerooted(w("-I/inc -I /inc2 --include-directory=/inc3 --include-directory /inc4 -c a.c")) ==
        w("-I/jobs/7/root/inc -I /jobs/7/root/inc2 --include-directory=/jobs/7/root/inc3 "
          "--include-directory /jobs/7/root/inc4 -c a.c"));
    CHECK(rerooted(w("-isystem /sys -isystem/sys2 -idirafter /after -idirafter/after2 -iquote /q "
                     "-iquote/q2 -c a.c")) ==
          w("-isystem /jobs/7/root/sys -isystem/jobs/7/root/sys2 -idirafter /jobs/7/root/after "
            "-idirafter/jobs/7/root/after2 -iquote /jobs/7/root/q -iquote/jobs/7/root/q2 -c a.c"));
    CHECK(rerooted(w("-include /f.h -include/g.h --include=/h.h --include /i.h -imacros /m.h "
                     "-imacros/n.h -c a.c")) ==
          w("-include /jobs/7/root/f.h -include/jobs/7/root/g.h --include=/jobs/7/root/h.h "
            "--include /jobs/7/root/i.h -imacros /jobs/7/root/m.h -imacros/jobs/7/root/n.h -c "
            "a.c"));
    CHECK(rerooted(w("-fsanitize=address -fsanitize-ignorelist=/ign.txt "
                     "-fsanitize-blacklist=/b.txt -c a.c")) ==
          w("-fsanitize=address -fsanitize-ignorelist=/jobs/7/root/ign.txt "
            "-fsanitize-blacklist=/jobs/7/root/b.txt -c a.c"));
    CHECK(rerooted(w("--include-directory-after=/late -c a.c")) ==
          w("--include-directory-after=/jobs/7/root/late -c a.c"));
}

TEST_CASE("reroot: relative paths stay as they are") {
    CHECK(rerooted(w("-I../inc -I inc -iquote . -c ../src/a.c -o obj/a.o -include ./cfg.h")) ==
          w("-I../inc -I inc -iquote . -c ../src/a.c -o obj/a.o -include ./cfg.h"));
    // From /home/u/p, three levels up is the root itself: still inside.
    CHECK(rerooted(w("-I../../../x -c a.c")) == w("-I../../../x -c a.c"));
}

TEST_CASE("reroot: prefix maps rewrite only an absolute OLD") {
    CHECK(rerooted(w("-ffile-prefix-map=/home/u/p=. -fdebug-prefix-map=/a=/b "
                     "-fmacro-prefix-map=rel=x -fmacro-prefix-map=/c= -c a.c")) ==
          w("-ffile-prefix-map=/jobs/7/root/home/u/p=. -fdebug-prefix-map=/jobs/7/root/a=/b "
            "-fmacro-prefix-map=rel=x -fmacro-prefix-map=/jobs/7/root/c= -c a.c"));
    check_refused(w("-ffile-prefix-map=/home -c a.c"), "-ffile-prefix-map=/home");
    check_refused(w("-fdebug-prefix-map=/../x=y -c a.c"), "climbs out");
}

TEST_CASE("reroot: everything else passes unchanged and in order") {
    auto args = w("-DX=1 -D Y -UZ -O2 -g -gsplit-dwarf -std=c++17 -Wall -Werror=format -fPIC -pipe "
                  "-pthread -march=x86-64-v2 -mtune=generic --param=a=1 --param b=2 -x c++ "
                  "-Wa,--noexecstack -Xassembler --noexecstack -Wl,-z,now -nostdinc -w "
                  "-fstack-usage -fdiagnostics-color=always -S a.c");
    CHECK(rerooted(args) == args);
    // The root's trailing slash does not double.
    auto r = reroot_args(w("-c /a.c"), "/jobs/7/root/", kCwd);
    REQUIRE(r);
    CHECK(*r == w("-c /jobs/7/root/a.c"));
}

TEST_CASE("reroot: options that load code or touch files elsewhere are refused") {
    const char* refused[] = {
        "-fplugin=x.so",
        "-fplugin",
        "-fplugin-arg-x-y=z",
        "-fpass-plugin=x.so",
        "-specs=x",
        "--specs=x",
        "-B/x",
        "-Bx",
        "--prefix=/x",
        "-save-temps",
        "-save-temps=obj",
        "--save-temps",
        "-fdump-tree-all",
        "-fdump-rtl-expand",
        "-iplugindir=/x",
        "-fprofile-generate",
        "-fprofile-use=x",
        "-fprofile-arcs",
        "--coverage",
        "-ftest-coverage",
        "-fauto-profile=x",
        "-fauto-profile",
        "-E",
        "-M",
        "-MM",
        "-MD",
        "-MMD",
        "-MP",
        "-MFx.d",
        "-MTx",
        "-MQx",
        "--write-dependencies",
        "--write-user-dependencies",
        "-Wp,-MD,x.d",
        "-Wa,-adhln=x.lst",
        "-Wa,--noexecstack,-ahl=x",
        "-Wa,",
        "--sysroot=/x",
        "-isysroot/x",
        "-march=native",
        "-mcpu=native",
        "-mtune=native",
        "-H",
        "-v",
        "-###",
        "--frobnicate",
        "-dM",
        "-fmodule-mapper=|cmd",
        "-fmodules",
        "-frecord-gcc-switches",
        "-grecord-command-line",
        "-fcallgraph-info",
        "-fsyntax-only",
        "-gsplit-dwarf=single",
        "-I-",
    };
    for (const char* option : refused) {
        CAPTURE(option);
        check_refused({option, "-c", "a.c"}, option);
    }
}

TEST_CASE("reroot: separate spellings of refused options are refused too") {
    const char* pairs[][2] = {
        {"-specs", "x"},
        {"--specs", "x"},
        {"-B", "/x"},
        {"--prefix", "/x"},
        {"-wrapper", "gdb"},
        {"-MF", "x.d"},
        {"-MT", "x"},
        {"-MQ", "x"},
        {"-Xclang", "-load"},
        {"-mllvm", "-x"},
        {"-Xpreprocessor", "-MD"},
        {"--sysroot", "/x"},
        {"-isysroot", "/x"},
        {"-Xassembler", "-al"},
        {"-aux-info", "x.h"},
        {"-dumpdir", "x/"},
        {"-dumpbase", "x"},
        {"-iprefix", "/x"},
        {"-include-pch", "x.pch"},
    };
    for (const auto& pair : pairs) {
        CAPTURE(pair[0]);
        check_refused({pair[0], pair[1], "-c", "a.c"}, std::string(pair[0]) + " " + pair[1]);
    }
}

TEST_CASE("reroot: the shape of the job") {
    check_refused(w("a.c -o a"), "no -c or -S");
    check_refused(w("@args"), "@args");
    check_refused(w("-D @/etc/passwd -c a.c"), "@/etc/passwd"); // a value is expanded too
    check_refused(w("-c -"), "'-'");
    check_refused(w("-c a.c -o -"), "stdout");
    check_refused(w("-c a.c b.c"), "b.c");
    check_refused(w("-c a.c -o"), "missing argument to '-o'");
    check_refused(w("-x assembler -c a.c"), "-x assembler");
    auto relative_cwd = reroot_args(w("-c a.c"), kRoot, "home/u");
    REQUIRE_FALSE(relative_cwd);
    CHECK(relative_cwd.error().code == Errc::refused);
    CHECK(relative_cwd.error().message.find("not absolute") != std::string::npos);
}

TEST_CASE("reroot: escapes are refused") {
    check_refused(w("-I../../../../../../etc -c a.c"),
                  "-I../../../../../../etc climbs out of the job directory");
    check_refused(w("-I ../../../../etc -c a.c"), "-I ../../../../etc climbs out");
    check_refused(w("-c a.c -o ../../../../x"), "-o ../../../../x climbs out");
    check_refused(w("-c ../../../../etc/x.c"), "../../../../etc/x.c climbs out");
    check_refused(w("-include ../../../../x.h -c a.c"), "climbs out");
    check_refused(w("-isystem../../../../x -c a.c"), "climbs out");
    check_refused(w("-fsanitize-ignorelist=../../../../x -c a.c"), "climbs out");
    // Lexically "/a/../../etc" is /etc, but the kernel resolves <root>/a/../../etc to a
    // sibling of the root: refused, not normalised.
    check_refused(w("-I/a/../../etc -c a.c"), "-I/a/../../etc climbs out");
    check_refused(w("-I /../etc -c a.c"), "climbs out");
    check_refused(w("-c /../../a.c"), "climbs out");
    // Climbing and coming back down inside the root is fine.
    CHECK(rerooted(w("-I/a/../etc -c a.c")) == w("-I/jobs/7/root/a/../etc -c a.c"));
    // A deeper cwd allows more levels.
    auto deep = reroot_args(w("-I../../../../x -c a.c"), kRoot, "/a/b/c/d");
    CHECK(deep);
}

TEST_CASE("reroot: whatever analyse accepts, reroot accepts (minus dependency options)") {
    const char* lines[] = {
        "-DFOO -I/src/include -O2 -g -DNDEBUG -std=gnu++17 -o CMakeFiles/x.dir/a.cpp.o -c "
        "/src/a.cpp",
        "-DHAVE_CONFIG_H -I. -I.. -g -O2 -c foo.c -fPIC -DPIC -o .libs/foo.o",
        "-Ifoo.p -I. -I.. -fdiagnostics-color=always -D_FILE_OFFSET_BITS=64 -Wall -Winvalid-pch "
        "-O0 -g -o foo.p/a.c.o -c ../a.c",
    };
    for (const char* line : lines) {
        CAPTURE(line);
        auto analysis = analyse("g++", w(line));
        REQUIRE(analysis.remote);
        CHECK(reroot_args(analysis.remote_args, kRoot, kCwd));
    }
}
