#include "programs/ferry/hosts_command.hpp"

#include "config/hosts_from_distcc.hpp"

#include <cstdio>
#include <optional>

namespace ferry::client {

namespace {

constexpr const char* kHostsUsage =
    R"(ferry hosts: print the hosts.toml equivalent to a distcc host list.
Usage: ferry hosts --from-distcc SPEC

Options:
  -h,--help             print this help and exit
  --from-distcc SPEC    a DISTCC_HOSTS value ("host:port/limit,lzo localhost/2 ..."),
                        e.g. --from-distcc "$DISTCC_HOSTS"; save the output as
                        ~/.config/ferry/hosts.toml (see hosts.toml(5))
)";

int usage_error(const char* message) {
    std::fprintf(stderr, "ferry hosts: %s\n%s", message, kHostsUsage);
    return 2;
}

} // namespace

int hosts_command(const std::vector<std::string>& args) {
    std::optional<std::string> spec;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(kHostsUsage, stdout);
            return 0;
        }
        if (arg == "--from-distcc" && i + 1 < args.size()) {
            spec = args[++i]; // taken whole, even when it starts with "--"
        } else if (arg.rfind("--from-distcc=", 0) == 0) {
            spec = arg.substr(14);
        } else if (arg == "--from-distcc") {
            return usage_error("--from-distcc needs the DISTCC_HOSTS value");
        } else {
            std::fprintf(stderr, "ferry hosts: unexpected argument '%s'\n%s", arg.c_str(),
                         kHostsUsage);
            return 2;
        }
    }
    if (!spec) return usage_error("say what to convert: --from-distcc SPEC");
    auto text = config::hosts_toml_from_distcc(*spec, "ferry hosts --from-distcc");
    if (!text) {
        std::fprintf(stderr, "%s\n", text.error().message.c_str());
        return 2;
    }
    std::fputs(text->c_str(), stdout);
    return 0;
}

} // namespace ferry::client
