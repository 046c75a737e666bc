// The analyser against the real compiler: for this project's own sources and for small
// programs that include many system headers, every file `-E -H` lists must be in the
// analyser's answer (a missing one would be missing in the runner's sandbox). How much more
// it answers (over-approximation) and how long both take are printed, not asserted: they are
// measurements (docs/include-analysis.md), not properties.
#include "compiler/scan.hpp"
#include "coordinator/includes/analyser.hpp"
#include "coordinator/includes/walk_memo.hpp"
#include "temp_tree.hpp"
#include "util/fs.hpp"
#include "util/subprocess.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <doctest/doctest.h>
#include <set>

using namespace ferry;
using namespace ferry::includes;
using ferry::includes::test::TempTree;

namespace {

struct Unit {
    std::string name;
    std::string cwd;
    std::string source; // relative to cwd
    std::vector<std::string> flags;
    bool cplusplus = false;
    bool trigraphs = false; // strict ISO C: gcc honours trigraphs there
};

ProcessResult run(const std::string& compiler, const std::vector<std::string>& args,
                  const std::string& cwd) {
    RunOptions o;
    o.argv.push_back(compiler);
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.cwd = cwd;
    auto r = run_process(o);
    REQUIRE_MESSAGE(r.has_value(), compiler);
    REQUIRE_MESSAGE(r->exit_code == 0, compiler, " failed: ", r->err);
    return std::move(*r);
}

std::vector<std::string> with(std::vector<std::string> flags, std::vector<std::string> more) {
    flags.insert(flags.end(), more.begin(), more.end());
    return flags;
}

double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// What the compiler tells about itself for this command-line shape, learned once.
AnalyserInput learn(const std::string& compiler, const Unit& u, bool gcc) {
    const char* lang = u.cplusplus ? "c++" : "c";
    AnalyserInput in;
    in.cwd = u.cwd;
    in.source = u.source;
    in.predefined = run(compiler, with(u.flags, {"-dM", "-E", "-x", lang, "/dev/null"}), u.cwd).out;
    auto v = compiler::parse_scan_output(
        run(compiler, with(u.flags, {"-E", "-v", "-x", lang, "/dev/null", "-o", "/dev/null"}),
            u.cwd)
            .err);
    in.lists.quote_dirs = v.quote_dirs;
    in.lists.angle_dirs = v.angle_dirs;
    if (gcc) in.implicit_includes = {"stdc-predef.h"};
    in.lex.cplusplus = u.cplusplus;
    in.lex.trigraphs = u.trigraphs;
    return in;
}

// The memo (walk_memo.hpp) must not change an answer: every unit of a compiler shares one, as
// the coordinator's units do, so later units replay what earlier ones walked — under other
// macros too (C and C++, strict ISO C, the project's -D).
void check_memo(const Analysis& memo, const Analysis& plain, const std::string& what) {
    CHECK_MESSAGE(memo.files == plain.files, what);
    CHECK_MESSAGE(memo.probes == plain.probes, what);
    CHECK_MESSAGE(memo.has_include_names == plain.has_include_names, what);
    CHECK_MESSAGE(memo.problems.size() == plain.problems.size(), what);
}

void check_unit(const std::string& compiler, bool gcc, const Unit& u, WalkMemo& memo) {
    AnalyserInput in = learn(compiler, u, gcc);
    const auto scan_args = with(u.flags, {"-E", "-H", "-o", "/dev/null", u.source});
    auto scanned = compiler::parse_scan_output(run(compiler, scan_args, u.cwd).err);

    RealFileSystem fs;
    DirectiveCache cache;
    auto analysis = analyse(fs, cache, in);
    check_memo(analyse(fs, cache, in, &memo), analysis, u.name + ", recorded");
    check_memo(analyse(fs, cache, in, &memo), analysis, u.name + ", replayed");

    std::set<std::string> ours;
    for (const auto& f : analysis.files)
        ours.insert(absolute_path(u.cwd, f));
    std::string missing;
    std::set<std::string> theirs;
    for (const auto& h : scanned.headers) {
        theirs.insert(absolute_path(u.cwd, h));
        if (!ours.count(absolute_path(u.cwd, h))) missing += " " + h;
    }
    size_t extra = 0;
    for (const auto& f : ours)
        extra += theirs.count(f) == 0 ? 1 : 0;
    CHECK_MESSAGE(missing.empty(), compiler, " ", u.name, ": the analysis misses", missing);
    size_t refusing = 0;
    for (const auto& p : analysis.problems)
        if (p.refuse) {
            ++refusing;
            MESSAGE(compiler, " ", u.name, ": ", p.file, ":", p.line, ": ", p.what);
        }
    // Everyday code must not send the coordinator back to the full scan.
    CHECK_MESSAGE(refusing == 0, compiler, " ", u.name, ": the analysis refused");

    // Times: the scan pass as the client runs it, the analysis with a fresh cache (every
    // header lexed) and with the cache of a previous unit's walk (the coordinator's case).
    // A measurement, not a check: only with FERRY_INCLUDES_TIMING=1 (docs/include-analysis.md
    // has the command), so that CI's runs stay short, sanitizers included.
    const bool timing = std::getenv("FERRY_INCLUDES_TIMING") != nullptr;
    const int scans = timing ? 3 : 0, walks = timing ? 5 : 0;
    std::vector<double> scan_ms, cold_ms, warm_ms;
    for (int k = 0; k < scans; ++k) {
        auto start = std::chrono::steady_clock::now();
        run(compiler, scan_args, u.cwd);
        scan_ms.push_back(ms_since(start));
    }
    for (int k = 0; k < walks; ++k) {
        DirectiveCache fresh;
        auto start = std::chrono::steady_clock::now();
        (void)analyse(fs, fresh, in);
        cold_ms.push_back(ms_since(start));
        start = std::chrono::steady_clock::now();
        (void)analyse(fs, cache, in);
        warm_ms.push_back(ms_since(start));
    }
    if (!timing) scan_ms = cold_ms = warm_ms = {0.0}; // the table shows 0: not measured
    std::printf("| %-10s | %-34s | %4zu | %4zu | %3zu | %5zu | %3zu | %8.1f | %7.1f | %7.1f |\n",
                basename(compiler).c_str(), u.name.c_str(), scanned.headers.size(),
                analysis.files.size(), extra, analysis.probes.size(), refusing, median(scan_ms),
                median(cold_ms), median(warm_ms));
    std::fflush(stdout);
}

std::vector<Unit> units(const TempTree& tree) {
    const std::string src = FERRY_SOURCE_DIR;
    const std::vector<std::string> project_flags{"-DFMT_SHARED", "-I" + src, "-O2", "-std=c++20"};
    std::vector<Unit> out;
    for (const char* file : {"util/hash.cpp", "util/fs.cpp", "util/subprocess.cpp",
                             "compiler/scan.cpp", "coordinator/manifest.cpp",
                             "coordinator/scheduler.cpp", "coordinator/includes/analyser.cpp"})
        out.push_back({file, src, file, project_flags, true});
    out.push_back({"system.c (C, 8 headers)", tree.root(), "system.c", {"-O2", "-pthread"}, false});
    // Strict ISO C: other branches of glibc's feature macros (__STRICT_ANSI__), trigraphs on.
    out.push_back({"system.c -std=c11 (strict)",
                   tree.root(),
                   "system.c",
                   {"-std=c11", "-D_POSIX_C_SOURCE=200809L", "-O2"},
                   false,
                   true});
    out.push_back({"system.cpp (C++, 9 headers)",
                   tree.root(),
                   "system.cpp",
                   {"-O2", "-pthread", "-std=c++20"},
                   true});
    return out;
}

void write_programs(TempTree& tree) {
    tree.write("system.c", "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
                           "#include <pthread.h>\n#include <sys/socket.h>\n#include <math.h>\n"
                           "#include <unistd.h>\n#include <errno.h>\n"
                           "int main(void) { return 0; }\n");
    tree.write("system.cpp", "#include <iostream>\n#include <vector>\n#include <map>\n"
                             "#include <string>\n#include <memory>\n#include <algorithm>\n"
                             "#include <thread>\n#include <mutex>\n#include <functional>\n"
                             "int main() { return 0; }\n");
}

void check_compiler(const std::string& c_name, const std::string& cxx_name, bool gcc) {
    std::string cc = find_in_path(c_name, std::getenv("PATH") ? std::getenv("PATH") : "");
    std::string cxx = find_in_path(cxx_name, std::getenv("PATH") ? std::getenv("PATH") : "");
    REQUIRE_MESSAGE(!cc.empty(), c_name, " is not installed");
    REQUIRE_MESSAGE(!cxx.empty(), cxx_name, " is not installed");
    TempTree tree;
    write_programs(tree);
    std::printf("| compiler | unit | -H files | analysis files | extra | probes | refused | "
                "-E -H ms | cold ms | warm ms |\n");
    WalkMemo memo;
    for (const auto& u : units(tree))
        check_unit(u.cplusplus ? cxx : cc, gcc, u, memo);
    MESSAGE("memo: ", memo.counters().hits, " visits replayed, ", memo.counters().misses,
            " missed, ", memo.counters().recorded, " entries, ", memo.bytes(), " bytes");
    CHECK(memo.counters().hits > 0);
}

} // namespace

TEST_CASE("differential: the analysis is a superset of what g++/gcc -H lists") {
    check_compiler("gcc", "g++", true);
}

TEST_CASE("differential: the analysis is a superset of what clang/clang++ -H lists") {
    // The project's CI image installs clang 14 (ARCHITECTURE.md): a missing clang is a
    // broken machine, not a reason to skip.
    check_compiler("clang", "clang++", false);
}
