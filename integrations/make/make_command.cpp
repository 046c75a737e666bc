#include "integrations/make/make_command.hpp"

#include "integrations/make/build_env.hpp"
#include "integrations/make/pool_session.hpp"
#include "integrations/make/report_hook.hpp"
#include "util/subprocess.hpp"

#include <cstdio>

namespace ferry::integrations {

int make_command(const std::vector<std::string>& ferry_and_make_args,
                 const std::string& hosts_flag) {
    std::vector<std::string> env = current_environment();
    // Under a pool ferry made, the pool is already the cluster's: join it, one pool per
    // build however deep `ferry make` nests. The outer build's id and report cover it.
    if (inside_ferry_pool()) {
        auto split = report::split_report_options(ferry_and_make_args);
        std::vector<std::string> argv = {"make"};
        const auto& rest = split ? split->tool_args : ferry_and_make_args;
        argv.insert(argv.end(), rest.begin(), rest.end());
        set_wrapper_compilers(env, rest);
        exec_with_env(argv, env, "ferry make");
    }
    auto build = begin_reported_build(ferry_and_make_args, hosts_flag, env, "ferry make");
    if (!build) return 2;
    const std::vector<std::string>& args = build->tool_args;
    std::vector<std::string> argv = {"make"};
    argv.insert(argv.end(), args.begin(), args.end());
    set_wrapper_compilers(env, args);

    // The user's -jN wins: make becomes the master of its own N-slot pool.
    if (has_jobs_option(args)) {
        std::fputs("ferry make: -j given, so make runs its own pool of that size; drop -j to "
                   "size it to the cluster\n",
                   stderr);
        return exec_or_run(*build->report, argv, env, "ferry make");
    }

    SessionOptions o;
    o.argv = std::move(argv);
    o.env = std::move(env);
    o.name = "ferry make";
    // make >= 4.4 takes the fifo (its own default) unless the user asked for the pipe with
    // --jobserver-style; 4.3 and older only the pipe.
    o.style = make_jobserver_style(args, tool_version("make"));
    end_report_on_exit(o, *build->report);
    auto capacity = coordinator_capacity(hosts_flag);
    return run_under_pool(o, *capacity);
}

} // namespace ferry::integrations
