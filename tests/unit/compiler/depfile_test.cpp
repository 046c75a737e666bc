// The experiments behind the analyser, rerun on every test run with the installed compilers:
// a local `-c` compile and analyse()'s scan command must write byte-identical depfiles, and
// a local compile must write exactly the files analyse() lists as outputs.
#include "compiler/args.hpp"
#include "compiler/make_rule.hpp"
#include "tests/unit/support/skip.hpp"
#include "util/fs.hpp"
#include "util/subprocess.hpp"
#include "util/temp_dir.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <set>
#include <unistd.h>

using namespace ferry;
using namespace ferry::compiler;

namespace {

bool have(const std::string& program) {
    return !find_in_path(program, getenv("PATH") ? getenv("PATH") : "").empty();
}

// A project: src/foo.c (valid C and C++) including inc/h.h and <stdio.h>, inc/forced.h (for
// -include) reaching <stddef.h>; work dirs with out/ and "sub dir/".
struct Project {
    TempDir dir;
    std::string root;

    static Project create() {
        auto dir = TempDir::create("/tmp", "ferry-depfile-test");
        REQUIRE(dir);
        Project p{std::move(*dir), {}};
        p.root = p.dir.path();
        REQUIRE(make_dirs(p.root + "/src"));
        REQUIRE(make_dirs(p.root + "/inc"));
        REQUIRE(write_file(p.root + "/inc/h.h", "#define H 1\n"));
        REQUIRE(write_file(p.root + "/inc/forced.h", "#include <stddef.h>\n#define F 1\n"));
        REQUIRE(write_file(p.root + "/src/foo.c",
                           "#include \"h.h\"\n#include <stdio.h>\nint f(void) { return H; }\n"));
        return p;
    }

    // A fresh, empty working directory.
    std::string work(const std::string& name) const {
        std::string w = root + "/" + name;
        std::filesystem::remove_all(w);
        REQUIRE(make_dirs(w + "/out"));
        REQUIRE(make_dirs(w + "/sub dir"));
        REQUIRE(make_dirs(w + "/.deps"));
        REQUIRE(make_dirs(w + "/out.d"));
        return w;
    }
};

ProcessResult run(const std::string& compiler, const std::vector<std::string>& args,
                  const std::string& cwd) {
    RunOptions options;
    options.argv = {compiler};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.cwd = cwd;
    auto result = run_process(options);
    REQUIRE(result);
    return std::move(*result);
}

// Every regular file under `dir`, relative to it.
std::set<std::string> files_in(const std::string& dir) {
    std::set<std::string> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        if (entry.is_regular_file())
            files.insert(std::filesystem::relative(entry.path(), dir).string());
    return files;
}

// "gcc -MD -c x.c", for the test's messages.
std::string command_line(const char* compiler, const std::vector<std::string>& args) {
    std::string line = compiler;
    for (const auto& a : args)
        line += " " + a;
    return line;
}

struct DepCase {
    std::vector<std::string> args;
    const char* depfile; // where a local compile writes it (measured)
};

const DepCase kDepCases[] = {
    // Kbuild's spelling, measured: gcc's cc1 names the target after the source whatever -o
    // says, clang's driver reads it as -MMD -MF FILE.
    {{"-Wp,-MMD,out/.x.o.d", "-I../inc", "-c", "-o", "out/x.o", "../src/foo.c"}, "out/.x.o.d"},
    {{"-Wp,-MD,out/.x.o.d", "-I../inc", "-c", "-o", "out/x.o", "../src/foo.c"}, "out/.x.o.d"},
    {{"-Wp,-MMD,x.d", "-I../inc", "-c", "../src/foo.c"}, "x.d"},
    {{"-Wp,-MMD,out/x.d", "-I../inc", "-S", "-o", "out/x.s", "../src/foo.c"}, "out/x.d"},
    {{"-Wp,-MMD,sub dir/.x.o.d", "-I../inc", "-include", "../inc/forced.h", "-c", "-o",
      "sub dir/x.o", "../src/foo.c"},
     "sub dir/.x.o.d"},
    {{"-Wp,-MMD,out/.x.o.d", "-I../inc", "-include", "forced.h", "-imacros", "../inc/h.h", "-c",
      "-o", "out/x.o", "../src/foo.c"},
     "out/.x.o.d"},
    {{"-I../inc", "-MMD", "-include", "forced.h", "-c", "../src/foo.c", "-o", "out/x.o"},
     "out/x.d"},
    {{"-I../inc", "-MD", "-c", "../src/foo.c", "-o", "out/x.o"}, "out/x.d"},
    {{"-I../inc", "-MMD", "-MP", "-c", "../src/foo.c", "-o", "out/x.o"}, "out/x.d"},
    {{"-I../inc", "-MD", "-MF", "x.d", "-MT", "custom", "-c", "../src/foo.c", "-o", "out/x.o"},
     "x.d"},
    {{"-I../inc", "-MD", "-c", "../src/foo.c"}, "foo.d"},
    {{"-I../inc", "-MD", "-c", "../src/foo.c", "-o", "sub dir/x.o"}, "sub dir/x.d"},
    {{"-I../inc", "-MD", "-c", "../src/foo.c", "-o", "out/a$b.o"}, "out/a$b.d"},
    {{"-I../inc", "-MD", "-c", "../src/foo.c", "-o", "out/x.c.o"}, "out/x.c.d"},
    {{"-I../inc", "-MD", "-c", "../src/foo.c", "-o", "out.d/.x"}, "out.d/.d"},
    {{"-I../inc", "-MD", "-S", "../src/foo.c"}, "foo.d"},
    {{"-I../inc", "-MD", "-S", "../src/foo.c", "-o", "out/x.s"}, "out/x.d"},
    {{"-I../inc", "-MD", "-MQ", "out/q$", "-c", "../src/foo.c", "-o", "out/x.o"}, "out/x.d"},
    {{"-DHAVE_CONFIG_H", "-I../inc", "-g", "-O2", "-MT", "foo.lo", "-MD", "-MP", "-MF",
      ".deps/foo.Tpo", "-c", "../src/foo.c", "-fPIC", "-DPIC", "-o", "out/foo.o"},
     ".deps/foo.Tpo"},
    {{"-I../inc", "-MD", "-MFout/j.d", "-MTjoined", "-c", "../src/foo.c", "-oout/x.o"}, "out/j.d"},
};

const char* const kCompilers[] = {"gcc", "g++", "clang", "clang++"};

} // namespace

TEST_CASE("depfiles: the scan writes what a local -c compile writes, byte for byte, and the "
          "runner's command is that compile") {
    Project project = Project::create();
    int compared = 0;
    for (const char* compiler : kCompilers) {
        if (ferry::test::skip_unless(have(compiler), std::string("no ") + compiler)) continue;
        for (const auto& c : kDepCases) {
            const std::string line = command_line(compiler, c.args);
            CAPTURE(line);
            auto analysis = analyse(compiler, c.args);
            REQUIRE(analysis.remote);
            CHECK(analysis.depfile == c.depfile);

            std::string local_dir = project.work("local");
            auto local = run(compiler, c.args, local_dir);
            REQUIRE(local.exit_code == 0);
            auto expected = read_file(local_dir + "/" + c.depfile);
            REQUIRE(expected);
            // Under include_analysis = "on" this is the runner's command (depfile_args): it
            // writes the outputs and the depfile, whose rule parse_depfile reads, with the
            // system headers when dep_rule says so.
            CHECK(analysis.depfile_args == c.args);
            std::set<std::string> written(analysis.outputs.begin(), analysis.outputs.end());
            written.insert(analysis.depfile);
            CHECK(files_in(local_dir) == written);
            auto rule = parse_depfile(*expected);
            REQUIRE(rule);
            CHECK(rule->prerequisites.front() == "../src/foo.c");
            const bool stdio =
                std::any_of(rule->prerequisites.begin(), rule->prerequisites.end(),
                            [](const std::string& p) { return p.ends_with("/stdio.h"); });
            CHECK(stdio == (analysis.dep_rule == DepRule::all_files));

            std::string scan_dir = project.work("scan");
            auto scan = run(compiler, analysis.scan_args, scan_dir);
            CAPTURE(scan.err.substr(0, 2000));
            REQUIRE(scan.exit_code == 0);
            auto actual = read_file(scan_dir + "/" + analysis.depfile);
            REQUIRE(actual);
            CHECK(*actual == *expected);
            // The scan writes the depfile and nothing else.
            CHECK(files_in(scan_dir) == std::set<std::string>{analysis.depfile});
            ++compared;
        }
    }
    MESSAGE(compared, " depfiles compared");
}

TEST_CASE("outputs: a local compile writes exactly the files analyse() lists") {
    Project project = Project::create();
    const std::vector<std::vector<std::string>> lines = {
        {"-I../inc", "-c", "../src/foo.c", "-o", "out/x.o"},
        {"-I../inc", "-c", "../src/foo.c"},
        {"-I../inc", "-S", "../src/foo.c"},
        {"-I../inc", "-g", "-gsplit-dwarf", "-c", "../src/foo.c", "-o", "out/x.o"},
        {"-I../inc", "-g", "-gsplit-dwarf", "-c", "../src/foo.c"},
        {"-I../inc", "-g", "-gsplit-dwarf", "-c", "../src/foo.c", "-o", "out/x.c.o"},
        {"-I../inc", "-g", "-gsplit-dwarf", "-c", "../src/foo.c", "-o", "out.d/x"},
        {"-I../inc", "-g", "-gsplit-dwarf", "-c", "../src/foo.c", "-o", "out.d/.x"},
        {"-I../inc", "-g", "-gsplit-dwarf", "-S", "../src/foo.c", "-o", "out/x.s"},
        {"-I../inc", "-gsplit-dwarf", "-c", "../src/foo.c", "-o", "out/x.o"},
        {"-I../inc", "-g", "-g0", "-gsplit-dwarf", "-c", "../src/foo.c", "-o", "out/x.o"},
        {"-I../inc", "-gdwarf-4", "-gsplit-dwarf", "-c", "../src/foo.c", "-o", "out/x.o"},
        {"-I../inc", "-g", "-gsplit-dwarf", "-gno-split-dwarf", "-c", "../src/foo.c", "-o", "x.o"},
        {"-I../inc", "-fstack-usage", "-c", "../src/foo.c", "-o", "out.d/x"},
        {"-I../inc", "-fstack-usage", "-c", "../src/foo.c", "-o", "out.d/.x"},
        {"-I../inc", "-fstack-usage", "-S", "../src/foo.c"},
        {"-I../inc", "-fstack-usage", "-g", "-gsplit-dwarf", "-c", "../src/foo.c", "-o", "out/s.o"},
    };
    int checked = 0;
    for (const char* compiler : kCompilers) {
        if (ferry::test::skip_unless(have(compiler), std::string("no ") + compiler)) continue;
        for (const auto& args : lines) {
            const std::string line = command_line(compiler, args);
            CAPTURE(line);
            auto analysis = analyse(compiler, args);
            REQUIRE(analysis.remote);
            std::string dir = project.work("outputs");
            auto local = run(compiler, args, dir);
            REQUIRE(local.exit_code == 0);
            std::set<std::string> expected(analysis.outputs.begin(), analysis.outputs.end());
            CHECK(analysis.outputs.size() == expected.size());
            CHECK(files_in(dir) == expected);
            ++checked;
        }
    }
    MESSAGE(checked, " compiles checked");
}
