// Fuzzes the argument analyser and the runner's policy with arbitrary argument vectors (the
// input split on NUL). Invariants: nothing crashes; a remote analysis is self-consistent; the
// runner never produces an absolute path outside the root or a relative one that climbs out
// of it; whatever analyse() sends, the runner's policy (check_policy) accepts, and
// reroot_args() too unless a path climbs out; reroot_args() accepts nothing the policy refuses.
#include "compiler/args.hpp"
#include "compiler/option_table.hpp"
#include "compiler/policy.hpp"
#include "util/fs.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

constexpr std::string_view kRoot = "/tmp/fuzzroot";
constexpr std::string_view kCwd = "/home/u/p";

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

// A path as the compiler on the runner sees it must stay inside the root.
void check_path(std::string_view path) {
    if (!path.empty() && path[0] == '/') {
        check(path.starts_with(kRoot) && (path.size() == kRoot.size() || path[kRoot.size()] == '/'),
              "absolute path outside the root");
        check(ferry::stays_within(path.substr(kRoot.size())), "absolute path climbs out");
    } else {
        check(ferry::stays_within(path, ferry::path_depth(kCwd)), "relative path climbs out");
    }
}

void check_rerooted(const std::vector<std::string>& in, const std::vector<std::string>& out) {
    using namespace ferry::compiler;
    check(in.size() == out.size(), "reroot changed the number of arguments");
    bool compiles = false;
    for (size_t i = 0; i < out.size();) {
        const std::string& arg = out[i];
        if (arg.empty() || arg[0] != '-') {
            check_path(arg);
            ++i;
            continue;
        }
        auto result = match_option(out, i, std::nullopt);
        auto* m = std::get_if<OptionMatch>(&result);
        check(m != nullptr, "reroot produced an option it does not know");
        switch (m->role) {
        case Role::output:
        case Role::include_dir:
        case Role::forced_include:
        case Role::path:
            check_path(m->value);
            break;
        case Role::prefix_map:
            // Only an absolute OLD names a place on the runner; a relative one is a string.
            if (m->value.starts_with('/')) check_path(m->value.substr(0, m->value.find('=')));
            break;
        case Role::compile:
        case Role::assemble:
            compiles = true;
            break;
        case Role::local_only:
        case Role::preprocess:
        case Role::dep_flag:
        case Role::dep_file:
        case Role::dep_target:
            check(false, "reroot let a refused option through");
            break;
        default:
            break;
        }
        i += m->count;
    }
    check(compiles, "reroot accepted a job without -c or -S");
}

void check_analysis(const ferry::compiler::Analysis& a, const std::vector<std::string>& args) {
    if (!a.remote) {
        check(!a.reason.empty(), "local without a reason");
        return;
    }
    check(a.reason.empty(), "remote with a reason");
    check(a.language == "c" || a.language == "c++", "remote with an unknown language");
    check(!a.source.empty() && !a.object.empty(), "remote without source or object");
    check(!a.outputs.empty() && a.outputs[0] == a.object, "object is not the first output");
    check(a.scan_args.size() >= 5, "scan too short");
    check(a.remote_args.size() <= args.size(), "remote args grew");
    // remote_args is args with some arguments removed, order kept.
    size_t j = 0;
    for (const auto& arg : args)
        if (j < a.remote_args.size() && a.remote_args[j] == arg) ++j;
    check(j == a.remote_args.size(), "remote args are not a subsequence of the arguments");
    check(ferry::compiler::check_policy(a.remote_args).has_value(),
          "the runner's policy refuses what the client sends");
    auto rerooted = ferry::compiler::reroot_args(a.remote_args, kRoot, kCwd);
    if (!rerooted)
        check(rerooted.error().message.find("climbs out") != std::string::npos,
              "the runner refuses what the client sends");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<std::string> args;
    std::string current;
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == 0) {
            args.push_back(std::move(current));
            current.clear();
        } else {
            current.push_back(static_cast<char>(data[i]));
        }
    }
    if (!current.empty()) args.push_back(std::move(current));
    if (args.size() > 256) return 0;

    for (const char* compiler : {"gcc", "clang++"}) {
        check_analysis(ferry::compiler::analyse(compiler, args), args);
    }
    auto rerooted = ferry::compiler::reroot_args(args, kRoot, kCwd);
    if (rerooted) {
        check(ferry::compiler::check_policy(args).has_value(),
              "reroot accepted what the policy refuses");
        check_rerooted(args, *rerooted);
    }
    return 0;
}
