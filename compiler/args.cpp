// The client-side analyser. Every rule about what the compilers write was measured on gcc 12
// and clang 14; compiler/output_names.hpp holds the naming rules.
#include "compiler/args.hpp"

#include "compiler/languages.hpp"
#include "compiler/option_table.hpp"
#include "compiler/output_names.hpp"

#include <array>
#include <fmt/format.h>
#include <optional>

namespace ferry::compiler {
namespace {

// Variables that change what the compiler reads or writes behind the command line's back.
constexpr std::array kLocalEnv = {
    std::string_view("CPATH"),
    std::string_view("C_INCLUDE_PATH"),
    std::string_view("CPLUS_INCLUDE_PATH"),
    std::string_view("OBJC_INCLUDE_PATH"),
    std::string_view("DEPENDENCIES_OUTPUT"),
    std::string_view("SUNPRO_DEPENDENCIES"),
    std::string_view("GCC_EXEC_PREFIX"),
    std::string_view("COMPILER_PATH"),
};

std::optional<std::string> env_reason(const std::vector<std::string>& env) {
    for (const auto& entry : env) {
        auto eq = entry.find('=');
        if (eq == std::string::npos || eq + 1 == entry.size()) continue;
        std::string_view key(entry.data(), eq);
        for (auto name : kLocalEnv)
            if (key == name) return fmt::format("environment variable {} is set", name);
    }
    return std::nullopt;
}

struct Input {
    std::string path;
    std::string x_language; // -x in effect where the input appears ("" for none)
};

// What the command line says, collected in one pass.
struct Parsed {
    std::vector<Input> inputs;
    std::vector<std::string> outputs; // every -o value
    bool compile = false;
    bool assemble = false;
    bool md = false;  // -MD
    bool mmd = false; // -MMD
    bool mp = false;
    bool mf = false;
    bool target = false;    // -MT or -MQ
    std::string wp_depfile; // FILE of -Wp,-MD,FILE or -Wp,-MMD,FILE
    int dep_options = 0;    // dependency options of any spelling
    bool forced_include = false;
    bool split_dwarf = false;
    bool clang_debug = false; // clang emits debug info (a -g level other than 0)
    bool lto = false;         // any -flto*/-fno-lto: output names then differ per compiler
    bool stack_usage = false;
    std::vector<std::string> include_dirs;
};

// The -g options that set clang's debug level (measured: -g0 after -g drops the .dwo,
// -gline-directives-only never makes one).
std::optional<bool> clang_debug_level(std::string_view arg) {
    if (arg == "-g0" || arg == "-ggdb0" || arg == "-gline-directives-only") return false;
    for (auto on : {"-g", "-g1", "-g2", "-g3", "-ggdb", "-ggdb1", "-ggdb2", "-ggdb3",
                    "-gline-tables-only", "-gmlt", "-gdwarf", "-gdwarf-2", "-gdwarf-3", "-gdwarf-4",
                    "-gdwarf-5", "-gfull", "-gused", "-glldb", "-gsce"})
        if (arg == on) return true;
    return std::nullopt;
}

Analysis local(std::string reason) {
    Analysis a;
    a.reason = std::move(reason);
    return a;
}

} // namespace

Analysis analyse(std::string_view compiler_name, const std::vector<std::string>& args,
                 const std::vector<std::string>& env) {
    if (!is_known_compiler_name(compiler_name))
        return local(fmt::format("unknown compiler '{}'", compiler_name));
    if (auto why = env_reason(env)) return local(*why);

    const Family family = family_of(compiler_name);
    const bool cxx_driver = driver_of(compiler_name) == "c++";

    // gcc and clang expand @file anywhere in argv before they parse options, an option's
    // separate value included (`-D @defs`): the scan could not see what the file adds.
    for (const auto& arg : args)
        if (arg.starts_with('@')) return local(fmt::format("response file '{}'", arg));

    // Pass 1: classify every argument; the first one that keeps the job local decides.
    Parsed p;
    std::vector<std::optional<OptionMatch>> matches(args.size());
    std::string x_language;
    for (size_t i = 0; i < args.size();) {
        const std::string& arg = args[i];
        if (arg == "-") return local("source is stdin");
        if (arg.empty() || arg[0] != '-') {
            p.inputs.push_back({arg, x_language});
            ++i;
            continue;
        }
        auto result = match_option(args, i, family);
        if (auto* err = std::get_if<MatchError>(&result)) {
            if (*err == MatchError::missing_value)
                return local(fmt::format("missing argument to '{}'", arg));
            return local(fmt::format("unknown option '{}'", arg));
        }
        OptionMatch& m = std::get<OptionMatch>(result);
        const std::string text = spelled(args, i, m);
        switch (m.role) {
        case Role::local_only:
            return local(fmt::format("'{}' {}", text, m.why ? m.why : "runs locally"));
        case Role::preprocess:
            return local(fmt::format("'{}' only preprocesses", text));
        case Role::forced_include:
            // Measured: neither gcc nor clang lists an -include file, or anything it
            // includes, in -H output; the client lists them with a pass of its own
            // (make_rule_args).
            if (m.value.empty()) return local(fmt::format("'{}' names an empty path", text));
            // "=x" and "$SYSROOT/x" are sysroot-relative: runners refuse them.
            if (m.value.starts_with('=') || m.value.starts_with("$SYSROOT"))
                return local(fmt::format("'{}' is relative to the sysroot", text));
            p.forced_include = true;
            break;
        case Role::path:
            return local(fmt::format("'{}' reads a file the scan does not list", text));
        case Role::arch:
            if (m.value.starts_with("native"))
                return local(fmt::format("'{}' depends on this machine", text));
            break;
        case Role::assembler:
            if (!assembler_options_allowed(m))
                return local(fmt::format("assembler option '{}' may write files", text));
            break;
        case Role::compile:
            p.compile = true;
            break;
        case Role::assemble:
            p.assemble = true;
            break;
        case Role::output:
            p.outputs.push_back(m.value);
            break;
        case Role::language:
            // "none" goes back to the extension; every other value, "" included (found by
            // fuzz_args: "-x ''" read as "no -x" here, refused by the runner), must name C
            // or C++.
            if (m.value != "none" && !is_distributed_language(m.value))
                return local(fmt::format("language '{}' is not distributed", m.value));
            x_language = m.value == "none" ? "" : m.value;
            break;
        case Role::include_dir:
            if (m.canonical == "-I" && m.value == "-") return local("'-I-' is not distributed");
            if (m.value.empty()) return local(fmt::format("'{}' names an empty path", text));
            p.include_dirs.push_back(m.value);
            break;
        case Role::dep_flag:
            ++p.dep_options;
            if (m.canonical == "-MD" || m.canonical == "-Wp,-MD") p.md = true;
            if (m.canonical == "-MMD" || m.canonical == "-Wp,-MMD") p.mmd = true;
            if (m.canonical == "-MP") p.mp = true;
            if (m.canonical.starts_with("-Wp,")) {
                if (!p.wp_depfile.empty())
                    return local(fmt::format("several -Wp, dependency files ('{}')", text));
                p.wp_depfile = m.value;
            }
            break;
        case Role::dep_file:
            ++p.dep_options;
            p.mf = true;
            break;
        case Role::dep_target:
            ++p.dep_options;
            p.target = true;
            break;
        case Role::prefix_map:
            if (m.value.find('=') == std::string::npos)
                return local(fmt::format("'{}' is not OLD=NEW", text));
            break;
        case Role::plain:
            if (arg == "-gsplit-dwarf") p.split_dwarf = true;
            if (arg == "-gno-split-dwarf") p.split_dwarf = false;
            if (auto level = clang_debug_level(arg)) p.clang_debug = *level;
            if (arg.starts_with("-flto") || arg == "-fno-lto") p.lto = true;
            if (arg == "-fstack-usage") p.stack_usage = true;
            break;
        }
        matches[i] = std::move(m);
        i += matches[i]->count;
    }

    // Pass 2: the shape of the job.
    if (p.inputs.empty()) return local("no source file");
    if (p.inputs.size() > 1)
        return local(fmt::format("{} input files ('{}', '{}'...)", p.inputs.size(),
                                 p.inputs[0].path, p.inputs[1].path));
    const Input& input = p.inputs[0];
    if (input.path.empty()) return local("the source is an empty path");
    std::string language = input.x_language;
    if (language.empty()) {
        language = language_of_extension(input.path);
        if (language.empty()) {
            // By its extension, not its name: the reason is a counter's key (ferry status, the
            // build's summary), where an assembler-heavy build listed every .s file apart.
            const size_t slash = input.path.rfind('/');
            const size_t dot = input.path.rfind('.');
            const bool has_ext =
                dot != std::string::npos && (slash == std::string::npos || dot > slash);
            return local(has_ext ? fmt::format("not a C or C++ source ({})", input.path.substr(dot))
                                 : std::string("not a C or C++ source (no extension)"));
        }
        // Measured: g++, c++ and clang++ compile a .c file as C++.
        if (language == "c" && cxx_driver) language = "c++";
    }
    if (!p.compile && !p.assemble) return local("no -c or -S (a link)");
    if (p.compile && p.assemble) return local("both -c and -S");
    if (p.outputs.size() > 1) return local("several -o");
    const std::string explicit_output = p.outputs.empty() ? "" : p.outputs[0];
    if (explicit_output == "-") return local("output to stdout");
    if (explicit_output.empty() && !p.outputs.empty()) return local("empty -o");
    const bool deps = p.md || p.mmd;
    // Measured: gcc refuses -MF/-MT/-MQ without -MD/-MMD; clang ignores them.
    if (!deps && (p.mf || p.target || p.mp)) return local("dependency options without -MD or -MMD");
    // -Wp, goes to cc1 behind the driver's back: next to the driver's own dependency
    // options the two compilers disagree on what is written. Not worth encoding.
    if (!p.wp_depfile.empty() && p.dep_options > 1)
        return local("a -Wp, dependency file with other dependency options");
    // Measured: with LTO, gcc keeps the .dwo and drops the .su, clang drops both, and
    // -fno-lto after -flto differs again. Not worth encoding.
    if (p.lto && (p.split_dwarf || p.stack_usage))
        return local("LTO with -gsplit-dwarf or -fstack-usage");

    Analysis a;
    a.remote = true;
    a.language = language;
    a.source = input.path;
    a.object = explicit_output.empty() ? default_object(input.path, p.assemble) : explicit_output;
    a.outputs.push_back(a.object);
    const bool dwo = p.split_dwarf && (family == Family::gcc || p.clang_debug);
    if (dwo) {
        auto file = split_dwarf_file(family, input.path, explicit_output, p.assemble);
        if (!file.empty()) a.outputs.push_back(file);
    }
    if (p.stack_usage) a.outputs.push_back(stack_usage_file(family, input.path, explicit_output));
    a.user_include_dirs = std::move(p.include_dirs);

    // Measured: clang's driver turns -H into "-H -sys-header-deps", which puts system headers
    // into a -MMD depfile, and cc1's own -H ("-Xclang -H") lists no system header at all. So
    // that scan only writes the depfile, and the -M pass on the source lists the files.
    const bool no_h = family == Family::clang && p.mmd && !p.md;
    const bool make_rule = p.forced_include || no_h;
    if (make_rule) a.make_rule_pass = no_h ? MakeRulePass::source : MakeRulePass::empty_unit;
    for (size_t i = 0; i < args.size();) {
        const auto& m = matches[i];
        const size_t count = m ? m->count : 1;
        const Role role = m ? m->role : Role::plain;
        const bool dep =
            role == Role::dep_flag || role == Role::dep_file || role == Role::dep_target;
        const bool skip_in_scan =
            role == Role::compile || role == Role::assemble || role == Role::output;
        const bool source = !m && args[i] == input.path;
        for (size_t k = i; k < i + count; ++k) {
            if (!dep) a.remote_args.push_back(args[k]);
            if (!skip_in_scan) a.scan_args.push_back(args[k]);
            if (make_rule && !dep && !skip_in_scan && !source) a.make_rule_args.push_back(args[k]);
        }
        i += count;
    }
    for (const char* extra : {"-E", "-o", "/dev/null"})
        a.scan_args.emplace_back(extra);
    if (!no_h) a.scan_args.emplace_back("-H");
    a.scan_args.emplace_back("-v");
    // No -fdirectives-only for gcc, although it saves 40% of a C++ unit's scan (ARCHITECTURE.md):
    // it evaluates no _Pragma (push_macro/pop_macro around an #include HDR, once) and no
    // digraph or trigraph directive (%:include, ??=include), so the scan then opens other
    // files than the compile and writes another depfile (issue 9). The scan must be the
    // compile's own preprocessing.
    if (deps) {
        // Measured: without -MF both families write next to -o (or the source's stem in
        // the cwd), and without -MT/-MQ the target is the object quoted as by -MQ, "foo.o"
        // even for -S without -o. With -E -o /dev/null neither default holds, so both are
        // made explicit; the depfile is then byte for byte what `-c` writes.
        // gcc's cc1 names a -Wp, depfile's target after the source in both passes, so
        // nothing is added there (an -MQ would make the driver refuse or change it).
        std::string mf = p.wp_depfile;
        for (size_t i = 0; i < args.size(); i += matches[i] ? matches[i]->count : 1)
            if (matches[i] && matches[i]->role == Role::dep_file) mf = matches[i]->value;
        if (!p.mf && mf.empty()) {
            mf = default_depfile(input.path, explicit_output);
            a.scan_args.insert(a.scan_args.end(), {"-MF", mf});
        }
        const bool cc1_names_target = !p.wp_depfile.empty() && family == Family::gcc;
        if (!p.target && !cc1_names_target) {
            std::string target =
                explicit_output.empty() ? default_object(input.path, false) : explicit_output;
            a.scan_args.insert(a.scan_args.end(), {"-MQ", target});
        }
        a.depfile = mf;
        a.dep_rule = p.mmd ? DepRule::user_files : DepRule::all_files;
        a.depfile_args = args;
    }
    return a;
}

} // namespace ferry::compiler
