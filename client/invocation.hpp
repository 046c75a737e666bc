// How ferry was called. Three wrapper forms reach the same flow: `ferry gcc ARGS` (a compiler
// name), `ferry /usr/bin/cc ARGS` (CMake's compiler launcher passes a path) and a symlink
// `gcc -> ferry` (masquerade: argv[0] names the compiler). Anything else is one of ferry's
// own subcommands. The compiler's arguments are split off here, before any option parser
// runs, so they reach the compiler exactly as given.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ferry::client {

// The first argument names one of ferry's own commands rather than a compiler.
bool is_subcommand_name(std::string_view arg);

struct Invocation {
    enum class Kind {
        compiler,   // wrap a compile
        subcommand, // make, run, ninja, status, shutdown, coordinator, keygen, mon, doctor, hosts
        options,    // --help, --version or a stray option: the command-line parser decides
    };
    Kind kind = Kind::options;
    bool masquerade = false;       // argv[0] named the compiler
    std::string hosts_flag;        // --hosts FILE given before the compiler or subcommand
    std::string compiler;          // Kind::compiler: a name ("gcc") or a path ("/usr/bin/cc")
    std::string subcommand;        // Kind::subcommand
    std::vector<std::string> args; // compiler arguments, or the subcommand's arguments
};

// `argv` is the full argument vector, argv[0] included.
Invocation parse_invocation(const std::vector<std::string>& argv);

// A compiler given with a directory part is used as is; a bare name is looked up on PATH.
inline bool names_a_path(std::string_view compiler) {
    return compiler.find('/') != std::string_view::npos;
}

} // namespace ferry::client
