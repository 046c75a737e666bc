#include "compiler/policy.hpp"

#include "compiler/languages.hpp"
#include "compiler/option_table.hpp"

namespace ferry::compiler {
namespace {

Error refuse(const std::string& what, std::string_view why) {
    return make_error(Errc::refused, "'{}' is not allowed on a runner: {}", what, why);
}

// The checks of one option; the caller has matched it with every family's table.
Result<void> check_option(const OptionMatch& m, const std::string& text, DependencyOptions deps) {
    switch (m.role) {
    case Role::local_only:
        return refuse(text, m.why ? m.why : "runs locally");
    case Role::preprocess:
        return refuse(text, "runners only compile");
    case Role::dep_flag:
    case Role::dep_target:
        if (deps == DependencyOptions::allowed) return ok();
        return refuse(text, "the client writes dependency files");
    case Role::dep_file:
        if (deps == DependencyOptions::allowed) break; // a path: not empty
        return refuse(text, "the client writes dependency files");
    case Role::arch:
        if (m.value.starts_with("native")) return refuse(text, "depends on the machine");
        return ok();
    case Role::assembler:
        if (!assembler_options_allowed(m)) return refuse(text, "assembler options may write files");
        return ok();
    case Role::output:
        if (m.value == "-") return refuse(text, "output to stdout");
        break;
    case Role::include_dir:
        if (m.canonical == "-I" && m.value == "-")
            return refuse(text, "the old quote/angle split is not supported");
        break;
    case Role::prefix_map:
        // OLD=NEW; both compilers split at the first '='.
        if (m.value.find('=') == std::string::npos) return refuse(text, "expected OLD=NEW");
        return ok();
    case Role::language:
        if (m.value != "none" && !is_distributed_language(m.value))
            return refuse(text, "only C and C++ are compiled remotely");
        return ok();
    case Role::forced_include:
    case Role::path:
        break;
    case Role::plain:
    case Role::compile:
    case Role::assemble:
        return ok();
    }
    // Output, include directory, forced include, path, depfile: the value names a file.
    if (m.value.empty()) return make_error(Errc::refused, "{}: empty path", text);
    return ok();
}

} // namespace

Result<void> check_policy(const std::vector<std::string>& args, DependencyOptions deps) {
    // The compiler expands @file anywhere in argv, an option's separate value included.
    for (const auto& arg : args)
        if (arg.starts_with('@')) return refuse(arg, "response files");

    bool compiles = false;
    bool has_source = false;
    std::string x_language; // -x in effect ("" for none: the extension decides)
    for (size_t i = 0; i < args.size();) {
        const std::string& arg = args[i];
        if (arg == "-") return refuse(arg, "the source must be a file");
        if (arg.empty() || arg[0] != '-') {
            if (has_source) return refuse(arg, "one source per job");
            if (arg.empty()) return make_error(Errc::refused, "the source is an empty path");
            // The driver picks the front end from -x, else from the extension: gcc -c x.adb
            // runs gnat1, which takes its own options and writes files the runner never sees.
            if (x_language.empty() && language_of_extension(arg).empty())
                return refuse(arg, "only C and C++ sources are compiled remotely");
            has_source = true;
            ++i;
            continue;
        }
        auto result = match_option(args, i, std::nullopt);
        if (auto* err = std::get_if<MatchError>(&result)) {
            if (*err == MatchError::missing_value)
                return make_error(Errc::refused, "missing argument to '{}'", arg);
            return make_error(Errc::refused, "unknown option '{}'", arg);
        }
        const OptionMatch& m = std::get<OptionMatch>(result);
        FERRY_TRY_VOID(check_option(m, spelled(args, i, m), deps));
        if (m.role == Role::compile || m.role == Role::assemble) compiles = true;
        if (m.role == Role::language) x_language = m.value == "none" ? "" : m.value;
        i += m.count;
    }
    if (!compiles) return make_error(Errc::refused, "no -c or -S: runners do not link");
    if (!has_source) return make_error(Errc::refused, "no source file");
    return ok();
}

} // namespace ferry::compiler
