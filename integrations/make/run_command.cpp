#include "integrations/make/run_command.hpp"

#include "integrations/make/build_env.hpp"
#include "integrations/make/pool_session.hpp"
#include "integrations/make/report_hook.hpp"
#include "util/fs.hpp"
#include "util/subprocess.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace ferry::integrations {
namespace {

// The style the command understands: $FERRY_JOBSERVER_STYLE if set, else by the program:
// make >= 4.4 and ninja >= 1.13 take the fifo, everything else (make 4.3, gcc's LTO,
// cargo, most clients) the pipe.
jobserver::ChildStyle style_for(const std::string& program) {
    if (const char* s = std::getenv("FERRY_JOBSERVER_STYLE"); s && *s) {
        if (std::string_view(s) == "fifo") return jobserver::ChildStyle::fifo;
        if (std::string_view(s) == "pipe") return jobserver::ChildStyle::pipe;
        std::fprintf(stderr, "ferry run: FERRY_JOBSERVER_STYLE must be pipe or fifo, not '%s'\n",
                     s);
    }
    const std::string name = basename(program);
    std::pair<int, int> fifo_from;
    if (name == "make" || name == "gmake")
        fifo_from = {4, 4};
    else if (name == "ninja")
        fifo_from = {1, 13};
    else
        return jobserver::ChildStyle::pipe;
    auto version = tool_version(program);
    return version && *version >= fifo_from ? jobserver::ChildStyle::fifo
                                            : jobserver::ChildStyle::pipe;
}

} // namespace

int run_command(const std::vector<std::string>& ferry_args_and_command,
                const std::string& hosts_flag) {
    std::vector<std::string> env = current_environment();
    set_wrapper_compilers(env, {});
    if (inside_ferry_pool()) {
        auto split = report::split_report_options(ferry_args_and_command);
        const auto& command = split ? split->tool_args : ferry_args_and_command;
        if (command.empty()) {
            std::fputs("ferry run: no command given (ferry run -- COMMAND...)\n", stderr);
            return 2;
        }
        exec_with_env(command, env, "ferry run");
    }
    auto build = begin_reported_build(ferry_args_and_command, hosts_flag, env, "ferry run");
    if (!build) return 2;
    const std::vector<std::string>& command = build->tool_args;
    if (command.empty()) {
        std::fputs("ferry run: no command given (ferry run -- COMMAND...)\n", stderr);
        return 2;
    }

    SessionOptions o;
    o.argv = command;
    o.env = std::move(env);
    o.name = "ferry run";
    o.style = style_for(command[0]);
    end_report_on_exit(o, *build->report);
    auto capacity = coordinator_capacity(hosts_flag);
    return run_under_pool(o, *capacity);
}

} // namespace ferry::integrations
