#include "remote/runner/arg_policy.hpp"

#include "compiler/args.hpp"
#include "compiler/option_table.hpp"
#include "compiler/policy.hpp"

#include <algorithm>
#include <string_view>

namespace ferry::runner {

namespace {

constexpr const char* kLoadsCode = "loads code into the compiler";
constexpr const char* kWrites = "writes files outside the job's outputs";
constexpr const char* kReads = "reads files the client did not send";
constexpr const char* kSearch = "changes where the compiler finds its own programs";

struct Denied {
    std::string_view spelling;
    bool prefix; // also every argument that starts with it (joined values, longer names)
    const char* why;
};

// Every spelling gcc 12 and clang 14 accept for these, joined and separate: "-B dir" and
// "-Bdir", "-specs=f", "-specs f", "--specs=f" and "--specs f".
constexpr Denied kDenied[] = {
    {"-fplugin", true, kLoadsCode}, // -fplugin=, -fplugin-arg-...
    {"-fpass-plugin", true, kLoadsCode},
    {"-iplugindir", true, kLoadsCode},
    {"-specs", true, kLoadsCode},
    {"--specs", true, kLoadsCode},
    {"-wrapper", true, kLoadsCode},
    {"--wrapper", true, kLoadsCode},
    {"-Xclang", true, kLoadsCode}, // -Xclang -load -Xclang x.so
    {"-load", true, kLoadsCode},
    {"--config", true, kLoadsCode}, // clang configuration files: options from a file
    {"-fmodule-mapper", true, "runs a program named by the request"},
    {"-B", true, kSearch},
    {"--prefix", true, kSearch},
    {"-save-temps", true, kWrites},
    {"--save-temps", true, kWrites},
    {"-fdump-", true, kWrites},
    {"-aux-info", true, kWrites},
    {"-dumpdir", true, kWrites},
    {"-dumpbase", true, kWrites},
    {"-fcallgraph-info", true, kWrites},
    {"-fopt-info", true, kWrites},
    {"-fsave-optimization-record", true, kWrites},
    {"-foptimization-record-file", true, kWrites},
    {"-ftime-trace", true, kWrites},
    {"-fcrash-diagnostics", true, kWrites},
    {"-fprofile-", true, "profile data are read and written outside the job"},
    {"-fauto-profile", true, kReads},
    {"-MF", true, kWrites},
    {"-MD", false, kWrites},
    {"-MMD", false, kWrites},
    {"--write-dependencies", false, kWrites},
    {"--write-user-dependencies", false, kWrites},
    {"-Wp,", true, "passes options (-MD,FILE...) the runner cannot check"},
    {"-Xpreprocessor", true,
     "passes options (-MD FILE...) the runner cannot check"}, // Ada's front end (gcc -c x.adb):
                                                              // -gnatl=FILE writes a listing
                                                              // wherever it is told.
    {"-gnat", true, "Ada options; runners compile C and C++ only"},
};

Error refuse(std::string_view arg, std::string_view why) {
    return make_error(Errc::refused, "'{}' is not allowed on a runner: {}", arg, why);
}

// gcc and clang read "=dir" and "$SYSROOT/dir" relative to the sysroot.
bool sysroot_relative(std::string_view value) {
    return value.starts_with('=') || value.starts_with("$SYSROOT");
}

// The argument at `i` as the user would read it: with its value when it takes one.
std::string spelled_at(const std::vector<std::string>& args, size_t i) {
    auto match = compiler::match_option(args, i, std::nullopt);
    if (const auto* m = std::get_if<compiler::OptionMatch>(&match))
        return compiler::spelled(args, i, *m);
    return args[i];
}

// The dependency options a sandboxed runner lets through, in the spellings the option table
// gives them (compiler/option_table.cpp, as_wp_dependency): "-MF" with its value joined or
// next, "-Wp,-MD,FILE" only with one FILE (a longer -Wp, list stays refused).
bool dependency_spelling(std::string_view arg) {
    if (arg == "-MD" || arg == "-MMD" || arg == "--write-dependencies" ||
        arg == "--write-user-dependencies" || arg.starts_with("-MF"))
        return true;
    for (std::string_view flag : {"-Wp,-MD,", "-Wp,-MMD,"})
        if (arg.starts_with(flag))
            return arg.size() > flag.size() && arg.find(',', flag.size()) == std::string_view::npos;
    return false;
}

} // namespace

Result<void> depfile_is_output(std::string_view compiler_name, const std::vector<std::string>& args,
                               const std::vector<std::string>& outputs) {
    const auto analysis = compiler::analyse(compiler_name, args);
    if (analysis.depfile.empty())
        return make_error(Errc::refused, "the dependency options name no file the job writes{}",
                          analysis.remote ? "" : " (" + analysis.reason + ")");
    if (std::find(outputs.begin(), outputs.end(), analysis.depfile) == outputs.end())
        return make_error(Errc::refused, "the dependency file '{}' is not one of the job's outputs",
                          analysis.depfile);
    return ok();
}

Result<void> check_arguments(const std::vector<std::string>& args,
                             compiler::DependencyOptions deps) {
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.find('\0') != std::string::npos)
            return make_error(Errc::refused, "an argument contains a NUL byte");
        if (arg.starts_with('@'))
            return refuse(arg, "response files are read from the runner's disk");
        if (deps == compiler::DependencyOptions::allowed && dependency_spelling(arg)) continue;
        for (const Denied& d : kDenied)
            if (d.prefix ? std::string_view(arg).starts_with(d.spelling) : arg == d.spelling)
                return refuse(arg.size() > 1 ? spelled_at(args, i) : arg, d.why);
    }
    for (size_t i = 0; i < args.size();) {
        const std::string& arg = args[i];
        if (arg.size() < 2 || arg[0] != '-') {
            ++i;
            continue;
        }
        auto match = compiler::match_option(args, i, std::nullopt);
        const auto* m = std::get_if<compiler::OptionMatch>(&match);
        if (!m) { // reroot_args refuses it, with the better message
            ++i;
            continue;
        }
        bool names_path = m->role == compiler::Role::include_dir ||
                          m->role == compiler::Role::forced_include ||
                          m->role == compiler::Role::path || m->role == compiler::Role::output;
        if (names_path && sysroot_relative(m->value))
            return refuse(compiler::spelled(args, i, *m), "a path relative to the sysroot");
        i += m->count;
    }
    // The language, one source, only known options: what a sandboxed runner runs as given.
    return compiler::check_policy(args, deps);
}

} // namespace ferry::runner
