#include "integrations/ninja/ninja_command.hpp"

#include "integrations/make/build_env.hpp"
#include "integrations/make/capacity.hpp"
#include "integrations/make/pool_session.hpp"
#include "integrations/make/report_hook.hpp"
#include "integrations/ninja/wrapper_manifest.hpp"
#include "util/subprocess.hpp"

#include <cstdio>
#include <optional>

namespace ferry::integrations {
namespace {

struct NinjaArgs {
    std::string dir = ".";
    std::string manifest = "build.ninja";
    bool tool = false;             // -t: not a build
    bool jobs = false;             // -j given by the user
    std::vector<std::string> rest; // everything but -C and -f
};

// Only the options whose meaning we need; the rest goes to ninja untouched.
NinjaArgs parse_ninja_args(const std::vector<std::string>& args) {
    NinjaArgs n;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const char* opt) -> std::optional<std::string> {
            if (a == opt) return i + 1 < args.size() ? std::optional(args[++i]) : std::nullopt;
            if (a.rfind(opt, 0) == 0 && a.size() > 2) return a.substr(2);
            return std::nullopt;
        };
        if (a == "--") {
            n.rest.insert(n.rest.end(), args.begin() + long(i), args.end());
            break;
        }
        if (auto v = (a.rfind("-C", 0) == 0) ? value("-C") : std::nullopt) {
            n.dir = *v;
            continue;
        }
        if (auto v = (a.rfind("-f", 0) == 0) ? value("-f") : std::nullopt) {
            n.manifest = *v;
            continue;
        }
        if (a.rfind("-t", 0) == 0) n.tool = true;
        if (a.rfind("-j", 0) == 0) n.jobs = true;
        n.rest.push_back(a);
    }
    return n;
}

} // namespace

int ninja_command(const std::vector<std::string>& ferry_and_ninja_args,
                  const std::string& hosts_flag) {
    std::vector<std::string> env = current_environment();
    auto split = report::split_report_options(ferry_and_ninja_args);
    const std::vector<std::string>& peek = split ? split->tool_args : ferry_and_ninja_args;
    // Tools (-t) are not builds: ninja as asked, nothing to report.
    if (split && parse_ninja_args(peek).tool) {
        std::vector<std::string> plain = {"ninja"};
        plain.insert(plain.end(), peek.begin(), peek.end());
        exec_with_env(plain, env, "ferry ninja");
    }
    auto build = begin_reported_build(ferry_and_ninja_args, hosts_flag, env, "ferry ninja");
    if (!build) return 2;
    const std::vector<std::string>& args = build->tool_args;
    std::vector<std::string> plain = {"ninja"};
    plain.insert(plain.end(), args.begin(), args.end());
    NinjaArgs n = parse_ninja_args(args);
    // The user's own -j: ninja as asked.
    if (n.jobs) return exec_or_run(*build->report, plain, env, "ferry ninja");

    auto version = tool_version("ninja");
    if (!version) {
        std::fputs("ferry ninja: cannot run `ninja --version`\n", stderr);
        return build->report->end(127);
    }
    auto capacity = coordinator_capacity(hosts_flag);
    if (*version >= std::pair{1, 13}) {
        // A jobserver client: hand it the fifo pool, which follows the cluster.
        if (inside_ferry_pool()) return exec_or_run(*build->report, plain, env, "ferry ninja");
        SessionOptions o;
        o.argv = std::move(plain);
        o.env = std::move(env);
        o.name = "ferry ninja";
        o.style = jobserver::ChildStyle::fifo;
        end_report_on_exit(o, *build->report);
        return run_under_pool(o, *capacity);
    }

    // ninja < 1.13: a fixed -j at the cluster's capacity now, links capped by ferry_local,
    // with the queue-ahead tokens of every runner slot (capacity.hpp): the build will keep
    // them busy, and a pool that cannot follow it is sized for that from the start.
    Capacity cap = initial_capacity(*capacity);
    cap.remote_busy = cap.remote;
    auto wrapper = write_wrapper_manifest(n.dir, n.manifest, cap.local);
    if (!wrapper) {
        std::fprintf(stderr, "ferry ninja: %s\n", wrapper.error().message.c_str());
        return build->report->end(1);
    }
    std::vector<std::string> argv = {
        "ninja", "-C", n.dir, "-f", kWrapperManifest, "-j", std::to_string(cap.total())};
    argv.insert(argv.end(), n.rest.begin(), n.rest.end());
    return exec_or_run(*build->report, argv, env, "ferry ninja");
}

} // namespace ferry::integrations
