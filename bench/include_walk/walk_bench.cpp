// The coordinator's include analysis over a build's compile commands, with and without the
// memoised walk (coordinator/includes/walk_memo.hpp), side by side: each round runs every
// unit through a fresh analyst (a fresh coordinator: first builds) in each mode, in rotating
// order, and checks that both modes give every unit the same answer. bench/include_walk/run.sh
// drives it; RESULTS.md holds what it printed.
//
// walk_bench UNITS CWD ROUNDS
//   UNITS: each unit's command line, compiler first (an absolute path), its arguments
//   separated by NUL and the unit ended by an empty argument.
// WALK_BENCH_DUMP=FILE writes every answer of the first round to FILE: a change to the walk
// diffs its answers against its base's, unit by unit.
#include "compiler/args.hpp"
#include "coordinator/include_worker.hpp"
#include "util/fs.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/resource.h>
#include <vector>

using namespace ferry;

namespace {

struct Mode {
    const char* name;
    bool memo;
    std::vector<double> walk_ms; // per round: every unit's walk (the thread's CPU time)
    std::vector<double> cpu_ms;  // per round: the process' CPU over the round
};

double cpu_ms() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
    return ms(ru.ru_utime) + ms(ru.ru_stime);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

bool same(const includes::Analysis& a, const includes::Analysis& b) {
    return a.files == b.files && a.probes == b.probes &&
           a.has_include_names == b.has_include_names && a.problems.size() == b.problems.size();
}

// Every answer as text, to compare two builds of the walk (WALK_BENCH_DUMP=FILE).
void dump(std::FILE* out, const char* mode, const std::string& unit, const includes::Analysis& a) {
    std::fprintf(out, "%s %s: %zu files, %zu probes, %zu names, %zu problems\n", mode, unit.c_str(),
                 a.files.size(), a.probes.size(), a.has_include_names.size(), a.problems.size());
    for (const auto* list : {&a.files, &a.probes, &a.has_include_names})
        for (const auto& item : *list)
            std::fprintf(out, "  %s\n", item.c_str());
    for (const auto& p : a.problems)
        std::fprintf(out, "  problem %s:%u %s\n", p.file.c_str(), p.line, p.what.c_str());
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::fprintf(stderr, "usage: walk_bench UNITS CWD ROUNDS [walk|memo]\n");
        return 2;
    }
    auto text = read_file(argv[1]);
    if (!text) {
        std::fprintf(stderr, "walk_bench: %s\n", text.error().message.c_str());
        return 2;
    }
    std::vector<coordinator::AnalysisUnit> units;
    std::vector<std::string> args;
    size_t start = 0;
    for (size_t k = 0; k < text->size(); ++k) {
        if ((*text)[k] != '\0') continue;
        std::string arg = text->substr(start, k - start);
        start = k + 1;
        if (!arg.empty()) {
            args.push_back(std::move(arg));
            continue;
        }
        coordinator::AnalysisUnit u;
        u.compiler_path = args.at(0);
        u.cwd = argv[2];
        u.args.assign(args.begin() + 1, args.end());
        auto parsed = compiler::analyse(basename(u.compiler_path), u.args);
        u.language = parsed.language;
        if (!parsed.source.empty() && parsed.language.rfind("c", 0) == 0) units.push_back(u);
        args.clear();
    }
    const int rounds = std::max(1, std::atoi(argv[3]));
    std::vector<Mode> modes = {{"walk", false, {}, {}}, {"memo", true, {}, {}}};
    // One mode alone: for a counter of the whole process (perf stat -e instructions).
    if (argc == 5) {
        std::string only = argv[4];
        std::erase_if(modes, [&](const Mode& m) { return only != m.name; });
        if (modes.empty()) {
            std::fprintf(stderr, "walk_bench: no mode %s\n", argv[4]);
            return 2;
        }
    }
    std::vector<includes::Analysis> reference(units.size());
    std::FILE* dump_to = nullptr;
    if (const char* path = std::getenv("WALK_BENCH_DUMP"); path && *path)
        dump_to = std::fopen(path, "w");
    size_t differ = 0, refused = 0;
    includes::WalkMemo::Counters counters;
    size_t memo_bytes = 0;
    for (int round = 0; round < rounds; ++round) {
        for (size_t m = 0; m < modes.size(); ++m) {
            Mode& mode = modes[(m + round) % modes.size()];
            coordinator::IncludeAnalyst analyst(mode.memo);
            // The compiler probes are made once per analyst and are not the walk: made first.
            for (const auto& u : units)
                (void)analyst.analyse(u);
            coordinator::IncludeAnalyst fresh(mode.memo);
            double walk_ms = 0, cpu_start = cpu_ms();
            for (size_t k = 0; k < units.size(); ++k) {
                auto answer = fresh.analyse(units[k]);
                walk_ms += answer.analysis_us / 1e3;
                if (dump_to && round == 0)
                    dump(dump_to, mode.name, units[k].args.back(), answer.analysis);
                if (!mode.memo && round == 0) {
                    reference[k] = answer.analysis;
                    refused += answer.analysis.trustworthy() ? 0 : 1;
                } else if (mode.memo && round == 0 && modes.size() > 1 &&
                           !same(answer.analysis, reference[k])) {
                    ++differ;
                    std::fprintf(stderr, "walk_bench: the memo changed the answer for %s\n",
                                 units[k].args.back().c_str());
                }
            }
            mode.walk_ms.push_back(walk_ms);
            mode.cpu_ms.push_back(cpu_ms() - cpu_start);
            if (mode.memo) {
                counters = fresh.memo_counters();
                memo_bytes = fresh.memo_bytes();
            }
        }
    }
    if (dump_to) std::fclose(dump_to);
    std::printf("units %zu, rounds %d, refused by the walk %zu, answers that differ %zu\n",
                units.size(), rounds, refused, differ);
    std::printf("%-6s %14s %14s %14s\n", "mode", "walk ms/unit", "cpu ms/unit", "walk ms total");
    for (const auto& mode : modes)
        std::printf("%-6s %14.3f %14.3f %14.1f\n", mode.name, median(mode.walk_ms) / units.size(),
                    median(mode.cpu_ms) / units.size(), median(mode.walk_ms));
    std::printf("memo (last round): %llu visits replayed, %llu missed, %llu entries recorded, "
                "%llu resets, %.1f MB\n",
                static_cast<unsigned long long>(counters.hits),
                static_cast<unsigned long long>(counters.misses),
                static_cast<unsigned long long>(counters.recorded),
                static_cast<unsigned long long>(counters.resets), memo_bytes / 1e6);
    return differ == 0 ? 0 : 1;
}
