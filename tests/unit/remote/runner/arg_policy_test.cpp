#include "compiler/args.hpp"
#include "remote/runner/arg_policy.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace ferry;
using namespace ferry::runner;
using namespace std::string_literals;

namespace {

using Args = std::vector<std::string>;

std::string refusal(const Args& args) {
    auto checked = check_arguments(args);
    REQUIRE_FALSE(checked);
    CHECK(checked.error().code == Errc::refused);
    return checked.error().message;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("ordinary compile commands pass") {
    for (const Args& args : {
             Args{"-c", "src/a.c", "-o", "build/a.o"},
             Args{"-O2", "-g", "-Wall", "-Iinclude", "-I", "/usr/local/include", "-DX=1", "-D",
                  "Y=\"@\"", "-c", "a.c", "-o", "/home/u/p/build/a.o"},
             Args{"-std=c++20", "-fPIC", "-MD", "-c", "a.cc"}, // dep options: only reroot cares
             Args{"-isystem", "/opt/x/include", "-include", "config.h", "-c", "a.c"},
             Args{"-ffile-prefix-map=/home/u=.", "--param=max-inline-insns-single=100", "--param",
                  "ssp-buffer-size=4", "-gsplit-dwarf", "-c", "a.c"},
         }) {
        CAPTURE(args.size());
        // -MD is refused here too (it writes a file), which reroot_args also does.
        auto checked = check_arguments(args);
        if (args[2] == "-MD")
            CHECK_FALSE(checked);
        else
            CHECK(checked);
    }
}

TEST_CASE("a response file is refused wherever it appears") {
    // gcc and clang expand "@file" in any argument: as a value of -D or -o too.
    for (const Args& args : {
             Args{"@/etc/passwd", "-c", "a.c"},
             Args{"-c", "a.c", "-D", "@/etc/passwd"},
             Args{"-c", "a.c", "-o", "@/etc/passwd"},
             Args{"-c", "a.c", "-I", "@x"},
             Args{"-c", "a.c", "-Xlinker", "@/etc/shadow"},
             Args{"-c", "@a.c"},
         }) {
        CAPTURE(args.back());
        std::string why = refusal(args);
        CHECK(contains(why, "response files"));
    }
    // "@" inside an argument is harmless: only a leading one is expanded.
    CHECK(check_arguments({"-c", "a.c", "-DMAIL=a@b"}));
}

TEST_CASE("a NUL byte in an argument is refused") {
    CHECK(contains(refusal({"-c", "a.c\0/../../x"s}), "NUL"));
    CHECK(contains(refusal({"-c", "a.c", "-o", "a.o\0"s}), "NUL"));
}

TEST_CASE("paths relative to the sysroot are refused") {
    for (const Args& args : {
             Args{"-c", "a.c", "-I=/etc"},
             Args{"-c", "a.c", "-I", "=/etc"},
             Args{"-c", "a.c", "-isystem", "$SYSROOT/etc"},
             Args{"-c", "a.c", "-iquote=/etc"},
             Args{"-c", "a.c", "-idirafter", "=/etc"},
             Args{"-c", "a.c", "--include-directory==/etc"},
             Args{"-c", "a.c", "-include", "=/etc/passwd"},
             Args{"-c", "a.c", "-o", "=/tmp/x"},
         }) {
        CAPTURE(args.back());
        CHECK(contains(refusal(args), "sysroot"));
    }
    // A macro value that starts with '=' is not a path.
    CHECK(check_arguments({"-c", "a.c", "-D", "=x"}));
}

TEST_CASE("options that load code or write elsewhere: every spelling, both checks") {
    // Each of these must be refused by this check *and* by compiler::reroot_args, so the two
    // layers would each stop them alone.
    const Args spellings[] = {
        {"-fplugin=/x.so"},
        {"-fplugin-arg-x-key=v"},
        {"-fpass-plugin=/x.so"},
        {"-specs=/x"},
        {"-specs", "/x"},
        {"--specs=/x"},
        {"--specs", "/x"},
        {"-B/x"},
        {"-B", "/x"},
        {"-Bx"},
        {"--prefix=/x"},
        {"--prefix", "/x"},
        {"-wrapper", "/bin/sh,-c,id"},
        {"-iplugindir=/x"},
        {"-save-temps"},
        {"-save-temps=obj"},
        {"-save-temps=cwd"},
        {"--save-temps"},
        {"-fdump-tree-all"},
        {"-fdump-rtl-all=/tmp/x"},
        {"-fdump-ipa-all"},
        {"-fprofile-use=/x"},
        {"-fprofile-use"},
        {"-fprofile-dir=/x"},
        {"-fprofile-generate=/x"},
        {"-fauto-profile=/x"},
        {"-Xclang", "-load"},
        {"-fmodule-mapper=|/bin/sh"},
        {"-aux-info", "/tmp/x"},
        {"-dumpdir", "/tmp/"},
        {"-MF", "/tmp/x.d"},
        {"-MF/tmp/x.d"},
        {"-MF", "../x.d"},
        {"-MD"},
        {"-MMD"},
        {"-Wp,-MD,/tmp/x.d"},
        {"-Xpreprocessor", "-MD"},
        {"-fcallgraph-info=su"},
        {"-fopt-info-all=/tmp/x"},
        {"-ftime-trace"},
        {"-gnatl=/tmp/x"},
        {"-gnatwa"},
    };
    for (const Args& spelling : spellings) {
        Args args = spelling;
        args.insert(args.end(), {"-c", "a.c"});
        CAPTURE(spelling[0]);
        std::string why = refusal(args);
        CHECK(contains(why, spelling[0]));
        auto rerooted = compiler::reroot_args(args, "/J/root", "/home/u/p");
        CHECK_FALSE(rerooted);
    }
}

TEST_CASE("output paths that climb out are refused by reroot_args; inside ones are moved") {
    // This check leaves -o alone; reroot_args refuses an escape and moves the rest under the
    // job's root, so the runner writes only where it chose.
    for (const char* out : {"../../../../x.o", "/../x.o", "a/../../../../../x.o"}) {
        CAPTURE(out);
        CHECK(check_arguments({"-c", "a.c", "-o", out}));
        auto rerooted = compiler::reroot_args({"-c", "a.c", "-o", out}, "/J/root", "/home/u/p");
        REQUIRE_FALSE(rerooted);
        CHECK(contains(rerooted.error().message, "climbs out"));
    }
    auto moved = compiler::reroot_args({"-c", "a.c", "-o", "/tmp/x.o"}, "/J/root", "/home/u/p");
    REQUIRE(moved);
    CHECK(moved->back() == "/J/root/tmp/x.o");
}

TEST_CASE("an Ada job that writes a listing at an absolute path is refused") {
    // The hostile review's case: gcc -c x.adb runs gnat1, and -gnatl=FILE passed the old -g
    // catch-all un-rerooted. This check stops the option; the policy stops both halves.
    const Args args = {"-c", "x.adb", "-gnatl=/tmp/pwned"};
    CHECK(contains(refusal(args), "-gnatl=/tmp/pwned"));
    auto rerooted = compiler::reroot_args(args, "/J/root", "/home/u/p");
    REQUIRE_FALSE(rerooted);
    CHECK(contains(rerooted.error().message, "x.adb"));
    auto no_option = compiler::reroot_args({"-c", "x.adb"}, "/J/root", "/home/u/p");
    REQUIRE_FALSE(no_option);
    CHECK(contains(no_option.error().message, "only C and C++"));
    for (const char* language : {"ada", "f95", "go", "d", "objective-c"}) {
        CAPTURE(language);
        auto x = compiler::reroot_args({"-x", language, "-c", "x.c"}, "/J/root", "/home/u/p");
        REQUIRE_FALSE(x);
        CHECK(contains(x.error().message, "only C and C++"));
    }
}

TEST_CASE("dependency options: refused unless the runner is sandboxed, in the client's "
          "spellings only") {
    const auto allowed = compiler::DependencyOptions::allowed;
    for (const Args& args :
         {Args{"-MD", "-c", "a.c"}, Args{"-MMD", "-MF", "x.d", "-c", "a.c"},
          Args{"-MD", "-MFx.d", "-MT", "t", "-MP", "-c", "a.c"},
          Args{"-Wp,-MMD,lib/.a.o.d", "-c", "a.c"}, Args{"-Wp,-MD,lib/.a.o.d", "-c", "a.c"}}) {
        CAPTURE(args.front());
        CHECK(contains(refusal(args), "not allowed on a runner"));
        CHECK(check_arguments(args, allowed));
    }
    // What the deny list names for other reasons stays refused.
    CHECK_FALSE(check_arguments({"-Wp,-MD,x.d,-MT,y", "-c", "a.c"}, allowed));
    CHECK_FALSE(check_arguments({"-Wp,-DX", "-c", "a.c"}, allowed));
    CHECK_FALSE(check_arguments({"-MD", "-fplugin=x.so", "-c", "a.c"}, allowed));
    CHECK_FALSE(check_arguments({"-MD", "-c", "a.c", "-D", "@x"}, allowed));
}

TEST_CASE("dependency options: the depfile must be one of the job's outputs") {
    CHECK(depfile_is_output("gcc", {"-MD", "-c", "a.c", "-o", "out/a.o"}, {"out/a.o", "out/a.d"}));
    CHECK(depfile_is_output("gcc", {"-MD", "-c", "src/a.c"}, {"a.o", "a.d"}));
    CHECK(depfile_is_output("gcc", {"-Wp,-MMD,l/.a.o.d", "-c", "a.c", "-o", "l/a.o"},
                            {"l/a.o", "l/.a.o.d"}));
    auto missing = depfile_is_output("gcc", {"-MD", "-MF", "/etc/x.d", "-c", "a.c"}, {"a.o"});
    REQUIRE_FALSE(missing);
    CHECK(contains(missing.error().message, "/etc/x.d"));
    CHECK_FALSE(depfile_is_output("gcc", {"-MF", "x.d", "-c", "a.c"}, {"a.o", "x.d"}));
}
