#include "client/invocation.hpp"

#include "util/fs.hpp"

#include <array>

namespace ferry::client {

bool is_subcommand_name(std::string_view arg) {
    static constexpr std::array<std::string_view, 10> kNames = {
        "make",        "run",    "ninja", "status", "shutdown",
        "coordinator", "keygen", "mon",   "doctor", "hosts"};
    for (auto name : kNames)
        if (arg == name) return true;
    return false;
}

Invocation parse_invocation(const std::vector<std::string>& argv) {
    Invocation inv;
    const std::string self = argv.empty() ? std::string("ferry") : basename(argv[0]);
    if (self != "ferry") {
        // A symlink named after the compiler: every argument belongs to the compiler, even
        // ones that look like ours (`gcc --version` must print gcc's version).
        inv.kind = Invocation::Kind::compiler;
        inv.masquerade = true;
        inv.compiler = self;
        inv.args.assign(argv.begin() + 1, argv.end());
        return inv;
    }

    size_t i = 1;
    // Only --hosts may come before the compiler: anything else starting with '-' is left to
    // the command-line parser (--help, --version, or an error).
    while (i < argv.size()) {
        const std::string& arg = argv[i];
        if (arg == "--hosts" && i + 1 < argv.size()) {
            inv.hosts_flag = argv[i + 1];
            i += 2;
        } else if (arg.rfind("--hosts=", 0) == 0) {
            inv.hosts_flag = arg.substr(8);
            ++i;
        } else {
            break;
        }
    }
    if (i >= argv.size() || argv[i].empty() || argv[i][0] == '-') {
        inv.kind = Invocation::Kind::options;
        inv.args.assign(argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end());
        return inv;
    }
    if (is_subcommand_name(argv[i])) {
        inv.kind = Invocation::Kind::subcommand;
        inv.subcommand = argv[i];
    } else {
        inv.kind = Invocation::Kind::compiler;
        inv.compiler = argv[i];
    }
    inv.args.assign(argv.begin() + static_cast<std::ptrdiff_t>(i) + 1, argv.end());
    return inv;
}

} // namespace ferry::client
