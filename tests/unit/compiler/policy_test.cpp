// The runner's argument policy (compiler/policy.hpp) on its own, and the client's analysis of
// the same command lines: what the runner refuses, the client compiles locally; the real-world
// options the policy accepts, the client sends.
#include "compiler/args.hpp"
#include "compiler/policy.hpp"

#include <doctest/doctest.h>
#include <sstream>
#include <string>
#include <vector>

using namespace ferry;
using namespace ferry::compiler;

namespace {

using Args = std::vector<std::string>;

Args w(const std::string& words) {
    Args out;
    std::istringstream in(words);
    for (std::string word; in >> word;)
        out.push_back(word);
    return out;
}

// Refused by the policy (Errc::refused, the message naming `names`), local on both clients,
// and refused by reroot_args, which applies the same policy.
void check_refused_everywhere(const Args& args, const std::string& names) {
    auto checked = check_policy(args);
    REQUIRE_FALSE(checked);
    CHECK(checked.error().code == Errc::refused);
    CAPTURE(checked.error().message);
    CHECK(checked.error().message.find(names) != std::string::npos);
    CHECK_FALSE(reroot_args(args, "/jobs/7/root", "/home/u/p"));
    for (const char* compiler : {"gcc", "g++", "clang", "clang++"}) {
        CAPTURE(compiler);
        Analysis a = analyse(compiler, args);
        CHECK_FALSE(a.remote);
        CHECK_FALSE(a.reason.empty());
    }
}

// Accepted by the policy and by reroot_args, and sent by gcc's and clang's analysis.
void check_accepted_everywhere(const Args& args) {
    auto checked = check_policy(args);
    CHECK_MESSAGE(checked, (checked ? "" : checked.error().message));
    CHECK(reroot_args(args, "/jobs/7/root", "/home/u/p"));
    for (const char* compiler : {"gcc", "clang"}) {
        CAPTURE(compiler);
        Analysis a = analyse(compiler, args);
        CHECK_MESSAGE(a.remote, a.reason);
    }
}

} // namespace

TEST_CASE("policy: sources of other languages are refused by extension") {
    // gcc -c x.adb runs gnat1; .f90 f951; .go go1; .d d21; .m/.mm cc1obj(plus); .S and .s the
    // assembler; .i/.ii are preprocessed; a header makes a precompiled header.
    for (const char* source :
         {"x.adb", "x.ads", "x.f",     "x.f90", "x.F90",   "x.for",  "x.go", "x.d",
          "x.m",   "x.mm",  "x.M",     "x.S",   "x.sx",    "x.s",    "x.i",  "x.ii",
          "x.h",   "x.hpp", "x.ads.o", "x",     "dir.c/x", "x.C.adb"}) {
        CAPTURE(source);
        check_refused_everywhere({"-c", source, "-o", "x.o"}, "only C and C++ sources");
    }
}

TEST_CASE("policy: -x names C or C++, or none") {
    for (const char* language : {"ada", "f95", "fortran", "go", "d", "objective-c", "objective-c++",
                                 "assembler", "assembler-with-cpp", "cpp-output", "c++-cpp-output",
                                 "c-header", "c++-header", "", "C", "none2"}) {
        CAPTURE(language);
        check_refused_everywhere({"-x", language, "-c", "x.c"}, "C and C++");
        check_refused_everywhere({std::string("-x") + language, "-c", "x.c"}, "C and C++");
        // "--language=" with nothing after it is no known spelling at all.
        check_refused_everywhere({"--language=" + std::string(language), "-c", "x.c"},
                                 *language ? "C and C++" : "unknown option");
    }
    // -x decides over the extension: "-x c x.adb" compiles x.adb as C. "-x none" goes back to
    // the extension.
    check_accepted_everywhere(w("-x c -c x.adb -o x.o"));
    check_accepted_everywhere(w("-x c++ -c x.inl -o x.o"));
    check_refused_everywhere(w("-x c -x none -c x.adb"), "only C and C++ sources");
    // A -x after the source does not change the source's language.
    check_refused_everywhere(w("-c x.adb -x c"), "only C and C++ sources");
}

TEST_CASE("policy: Ada's -gnat options and files named by -f/-g options are refused") {
    // -gnatl=FILE writes an Ada listing at an absolute path of the runner; the old -g
    // catch-all let it through un-rerooted.
    check_refused_everywhere(w("-c x.c -gnatl=/tmp/pwned"), "unknown option '-gnatl=/tmp/pwned'");
    check_refused_everywhere(w("-c x.adb -gnatl=/tmp/pwned"), "x.adb");
    for (const char* option : {"-gnatl",
                               "-gnatwa",
                               "-gfoo",
                               "-gsplit-dwarf=single",
                               "-gdwarf-6x",
                               "-g4",
                               "-fdump-tree-all",
                               "-fdump-rtl-expand=/tmp/x",
                               "-fbar",
                               "-fno-bar",
                               "-fplugin=x.so",
                               "-fprofile-use=/x",
                               "-fprofile-arcs",
                               "-fbranch-probabilities",
                               "-fcallgraph-info",
                               "-fcallgraph-info=su",
                               "-fopt-info-all=/tmp/x",
                               "-fsave-optimization-record",
                               "-frecord-gcc-switches",
                               "-fdiagnostics-format=json-file",
                               "-fdiagnostics-format=sarif-file",
                               "-fvisibility=/etc/passwd",
                               "-fvisibility=",
                               "-fsanitize=address|x",
                               "-fuse-ld=/tmp/ld",
                               "-fno-builtin-",
                               "-fno-builtin-a/b",
                               "-mfoo",
                               "-mno-foo",
                               "-march=native",
                               "-mtune=native",
                               "-mcmodel=/x",
                               "-mdump-tune-features",
                               "-fmodule-mapper=|sh",
                               "-fstack-usage=x"}) {
        CAPTURE(option);
        check_refused_everywhere({"-c", "x.c", option}, option);
    }
}

TEST_CASE("policy: the options real builds use are accepted") {
    // Kbuild, CMake, autotools and meson command lines, one option at a time and together.
    const char* options[] = {
        "-fPIC",
        "-fpic",
        "-fPIE",
        "-fno-PIE",
        "-fno-pie",
        "-fno-strict-aliasing",
        "-fno-common",
        "-ffunction-sections",
        "-fdata-sections",
        "-fstack-protector-strong",
        "-fno-stack-protector",
        "-fstack-clash-protection",
        "-fcf-protection",
        "-fcf-protection=full",
        "-fvisibility=hidden",
        "-fvisibility-inlines-hidden",
        "-fno-omit-frame-pointer",
        "-fomit-frame-pointer",
        "-fdiagnostics-color=always",
        "-fdiagnostics-color",
        "-fcolor-diagnostics",
        "-fno-exceptions",
        "-fno-rtti",
        "-fexceptions",
        "-fasynchronous-unwind-tables",
        "-fno-asynchronous-unwind-tables",
        "-fno-delete-null-pointer-checks",
        "-fno-strict-overflow",
        "-fwrapv",
        "-fno-allow-store-data-races",
        "-fconserve-stack",
        "-fno-var-tracking-assignments",
        "-fno-inline-functions-called-once",
        "-fno-ipa-sra",
        "-fno-jump-tables",
        "-fzero-call-used-regs=used-gpr",
        "-ftrivial-auto-var-init=zero",
        "-fstrict-flex-arrays=3",
        "-fpatchable-function-entry=16,8",
        "-fno-builtin",
        "-fno-builtin-memcpy",
        "-ffreestanding",
        "-fshort-wchar",
        "-fsigned-char",
        "-funsigned-char",
        "-fmacro-prefix-map=/src=.",
        "-ffile-prefix-map=/src=.",
        "-fdebug-prefix-map=/src=.",
        "-fsanitize=address,undefined",
        "-fno-sanitize=alignment",
        "-fsanitize-recover=all",
        "-fno-sanitize-recover",
        "-flto",
        "-flto=thin",
        "-flto=auto",
        "-ffat-lto-objects",
        "-fopenmp",
        "-ffast-math",
        "-fno-math-errno",
        "-fexcess-precision=standard",
        "-ffp-contract=off",
        "-funroll-loops",
        "-ftree-vectorize",
        "-fno-tree-vectorize",
        "-fmessage-length=0",
        "-ftemplate-depth=1024",
        "-fconstexpr-steps=10000000",
        "-fmax-errors=5",
        "-ferror-limit=19",
        "-finput-charset=UTF-8",
        "-fexec-charset=UTF-8",
        "-fabi-version=0",
        "-frandom-seed=bazel-out/k8/bin/x.o",
        "-fno-ident",
        "-fstandalone-debug",
        "-fdebug-types-section",
        "-fstack-usage",
        "-fuse-ld=lld",
        "-fdiagnostics-format=json",
        "-ftls-model=initial-exec",
        "-fno-plt",
        "-fno-semantic-interposition",
        "-fsplit-stack",
        "-g",
        "-g0",
        "-g1",
        "-g3",
        "-ggdb",
        "-ggdb3",
        "-gdwarf-4",
        "-gdwarf-5",
        "-gsplit-dwarf",
        "-gz",
        "-gz=zlib",
        "-gline-tables-only",
        "-gno-column-info",
        "-gstrict-dwarf",
        "-gno-record-gcc-switches",
        "-gbtf",
        "-march=x86-64-v2",
        "-march=haswell",
        "-mtune=generic",
        "-mcpu=generic",
        "-m64",
        "-m32",
        "-mno-red-zone",
        "-mred-zone",
        "-mcmodel=kernel",
        "-mcmodel=large",
        "-mno-sse",
        "-mno-mmx",
        "-mno-sse2",
        "-mno-3dnow",
        "-mno-avx",
        "-mno-80387",
        "-mno-fp-ret-in-387",
        "-mpreferred-stack-boundary=3",
        "-mskip-rax-setup",
        "-mindirect-branch=thunk-extern",
        "-mfunction-return=thunk-extern",
        "-mindirect-branch-register",
        "-mindirect-branch-cs-prefix",
        "-mharden-sls=all",
        "-mrecord-mcount",
        "-mfentry",
        "-mstack-protector-guard=global",
        "-mstack-protector-guard-reg=gs",
        "-mstack-protector-guard-symbol=__ref_stack_chk_guard",
        "-mgeneral-regs-only",
        "-msse4.2",
        "-mavx2",
        "-mfma",
        "-mpopcnt",
        "-mbmi2",
        "-mretpoline-external-thunk",
        "-mno-outline-atomics",
        "-mbranch-protection=pac-ret+leaf",
        "-mtls-dialect=gnu2",
        "-mfpmath=sse",
        "-mprefer-vector-width=256",
        "-mmemcpy-strategy=rep_byte:-1:noalign",
    };
    Args all = w("-c src/a.c -o build/a.o");
    for (const char* option : options) {
        CAPTURE(option);
        check_accepted_everywhere({"-c", "src/a.c", "-o", "build/a.o", option});
        all.emplace_back(option);
    }
    CHECK(check_policy(all));
}

TEST_CASE("policy: -fstack-usage is an output the client lists and the runner writes") {
    Analysis a = analyse("gcc", w("-c src/a.c -o build/a.o -fstack-usage"));
    REQUIRE(a.remote);
    CHECK(a.outputs == Args{"build/a.o", "build/a.su"});
    CHECK(check_policy(a.remote_args));
}

TEST_CASE("policy: the shape of the job") {
    check_refused_everywhere(w("x.c"), "no -c or -S");
    check_refused_everywhere(w("-c"), "no source");
    check_refused_everywhere(w("-c a.c b.c"), "one source per job");
    check_refused_everywhere(w("-c -"), "the source must be a file");
    check_refused_everywhere({"-c", ""}, "empty path");
    check_refused_everywhere(w("-c a.c @args"), "response files");
    // Dependency options: the client keeps them for its own pass and never sends them.
    CHECK_FALSE(check_policy(w("-c a.c -MD")));
    Analysis md = analyse("gcc", w("-c a.c -MD"));
    REQUIRE(md.remote);
    CHECK(check_policy(md.remote_args));
    // A sandboxed runner lets them through (include_analysis = "on" sends them), and still
    // checks the rest, and that -MF names a file.
    const auto allowed = DependencyOptions::allowed;
    CHECK(check_policy(w("-c a.c -MD"), allowed));
    CHECK(check_policy(md.depfile_args, allowed));
    CHECK(check_policy(w("-c a.c -MMD -MP -MF x.d -MT t -MQ q"), allowed));
    CHECK(check_policy(w("-c a.c -Wp,-MMD,lib/.a.o.d"), allowed));
    CHECK_FALSE(check_policy({"-c", "a.c", "-MD", "-MF", ""}, allowed));
    CHECK_FALSE(check_policy(w("-c a.c -Wp,-MD,x.d,-MT,y"), allowed));
    CHECK_FALSE(check_policy(w("-c a.c -MD -MG"), allowed));
    CHECK_FALSE(check_policy(w("-c a.c -M"), allowed));
    check_refused_everywhere(w("-c a.c -E"), "only compile");
    // Paths are not the policy's business: they stay as given for a sandboxed runner.
    CHECK(check_policy(w("-c ../../../../../x.c -I/etc -o /tmp/x.o")));
}
