#include "compiler/option_table.hpp"

#include "compiler/feature_options.hpp"

#include <array>
#include <string_view>
#include <vector>

namespace ferry::compiler {
namespace {

enum class Form {
    flag,               // exactly the name
    joined,             // name + value in one argument (prefix match)
    separate,           // name, value in the next argument
    joined_or_separate, // -Ifoo or -I foo
};

enum Families : unsigned { kGcc = 1, kClang = 2, kBoth = 3 };

struct Spec {
    std::string_view name;
    Form form;
    Role role;
    unsigned families = kBoth;
    const char* canonical = nullptr; // nullptr: the name itself
    const char* why = nullptr;       // local_only: the reason
};

constexpr const char* kLoadsCode = "loads code into the compiler";
constexpr const char* kWritesFiles = "writes files ferry does not collect";
constexpr const char* kReadsFiles = "reads files the scan does not list";
constexpr const char* kSearch = "changes the compiler's own search paths";
constexpr const char* kPreprocessor = "passes options to a stage ferry cannot see";
constexpr const char* kProfile = "profiling and coverage run locally";
constexpr const char* kDiagnosticsOnly = "asks for the compiler's own diagnostics";
constexpr const char* kCommandLine = "records the command line in the object";
constexpr const char* kNoObject = "produces no object";
constexpr const char* kModules = "modules and precompiled headers run locally";

using enum Form;
using enum Role;

// Order does not matter: exact matches win, then the longest prefix. Options that are not
// here are unknown, and unknown options run locally (the client) or are refused (the runner).
const Spec kSpecs[] = {
    // What to do.
    {"-c", flag, compile},
    {"--compile", flag, compile, kBoth, "-c"},
    {"-S", flag, assemble},
    {"--assemble", flag, assemble, kBoth, "-S"},
    {"-E", flag, preprocess},
    {"--preprocess", flag, preprocess, kBoth, "-E"},
    {"-M", flag, preprocess},
    {"--dependencies", flag, preprocess, kBoth, "-M"},
    {"-MM", flag, preprocess},
    {"--user-dependencies", flag, preprocess, kBoth, "-MM"},
    {"-o", joined_or_separate, output},
    {"--output=", joined, output, kBoth, "-o"},
    {"--output", separate, output, kBoth, "-o"},
    {"-x", joined_or_separate, language},
    {"--language=", joined, language, kBoth, "-x"},
    {"--language", separate, language, kBoth, "-x"},

    // Dependency files.
    {"-MD", flag, dep_flag},
    {"--write-dependencies", flag, dep_flag, kBoth, "-MD"},
    {"-MMD", flag, dep_flag},
    {"--write-user-dependencies", flag, dep_flag, kBoth, "-MMD"},
    {"-MP", flag, dep_flag},
    {"-MF", joined_or_separate, dep_file},
    {"-MT", joined_or_separate, dep_target},
    {"-MQ", joined_or_separate, dep_target},
    {"-MG", flag, local_only, kBoth, nullptr, "lets missing headers through"},
    {"--print-missing-file-dependencies", flag, local_only, kBoth, "-MG",
     "lets missing headers through"},

    // Include search.
    {"-I", joined_or_separate, include_dir},
    {"--include-directory=", joined, include_dir, kBoth, "-I"},
    {"--include-directory", separate, include_dir, kBoth, "-I"},
    {"-isystem", joined_or_separate, include_dir},
    {"-idirafter", joined_or_separate, include_dir},
    {"--include-directory-after=", joined, include_dir, kClang, "-idirafter"},
    {"--include-directory-after", separate, include_dir, kClang, "-idirafter"},
    {"-iquote", joined_or_separate, include_dir},
    {"-include", joined_or_separate, forced_include},
    {"--include=", joined, forced_include, kBoth, "-include"},
    {"--include", separate, forced_include, kBoth, "-include"},
    {"-imacros", joined_or_separate, forced_include},
    {"--imacros=", joined, forced_include, kBoth, "-imacros"},
    {"--imacros", separate, forced_include, kBoth, "-imacros"},
    {"-iprefix", joined_or_separate, local_only, kBoth, nullptr, kSearch},
    {"-iwithprefix", joined_or_separate, local_only, kBoth, nullptr, kSearch},
    {"-iwithprefixbefore", joined_or_separate, local_only, kBoth, nullptr, kSearch},
    {"-isysroot", joined_or_separate, local_only, kBoth, nullptr, kSearch},
    {"--sysroot=", joined, local_only, kBoth, nullptr, kSearch},
    {"--sysroot", separate, local_only, kBoth, nullptr, kSearch},
    {"-imultilib", joined_or_separate, local_only, kBoth, nullptr, kSearch},
    {"-imultiarch", joined_or_separate, local_only, kBoth, nullptr, kSearch},
    {"-B", joined_or_separate, local_only, kBoth, nullptr, kSearch},
    {"--prefix=", joined, local_only, kBoth, "-B", kSearch},
    {"--prefix", separate, local_only, kBoth, "-B", kSearch},
    {"--gcc-toolchain=", joined, local_only, kClang, nullptr, kSearch},
    {"-gcc-toolchain", separate, local_only, kClang, nullptr, kSearch},
    {"-resource-dir", joined_or_separate, local_only, kClang, nullptr, kSearch},
    {"-nostdinc", flag, plain},
    {"-nostdinc++", flag, plain},

    // Macros, language, warnings, code generation.
    {"-D", joined_or_separate, plain},
    {"--define-macro=", joined, plain, kBoth, "-D"},
    {"--define-macro", separate, plain, kBoth, "-D"},
    {"-U", joined_or_separate, plain},
    {"--undefine-macro=", joined, plain, kBoth, "-U"},
    {"--undefine-macro", separate, plain, kBoth, "-U"},
    {"-undef", flag, plain},
    {"-std=", joined, plain},
    {"--std=", joined, plain, kBoth, "-std="},
    {"-stdlib=", joined, plain, kClang},
    {"-ansi", flag, plain},
    {"-trigraphs", flag, plain},
    {"-O", flag, plain},
    {"-O", joined, plain},
    {"-g", flag, plain},
    {"-gsplit-dwarf=", joined, local_only, kBoth, nullptr, "split DWARF modes run locally"},
    {"-grecord-command-line", flag, local_only, kClang, nullptr, kCommandLine},
    {"-grecord-gcc-switches", flag, local_only, kClang, nullptr, kCommandLine},
    {"-W", flag, plain},
    {"-W", joined, plain},
    {"-w", flag, plain},
    {"-Wl,", joined, plain},
    {"-Wa,", joined, assembler},
    {"-Xassembler", separate, assembler},
    {"-Wp,", joined, local_only, kBoth, nullptr, kPreprocessor},
    {"-Xpreprocessor", separate, local_only, kBoth, nullptr, kPreprocessor},
    {"-Xclang", separate, local_only, kClang, nullptr, kPreprocessor},
    {"-mllvm", separate, local_only, kClang, nullptr, kPreprocessor},
    {"-pedantic", flag, plain},
    {"-pedantic-errors", flag, plain},
    {"--pedantic", flag, plain},
    {"-pipe", flag, plain},
    {"-pthread", flag, plain},
    {"-p", flag, plain},
    {"-pg", flag, plain},
    {"-march=", joined, arch},
    {"-mcpu=", joined, arch},
    {"-mtune=", joined, arch},
    {"--param=", joined, plain, kBoth, "--param"},
    {"--param", separate, plain},
    {"-target", separate, plain, kClang},
    {"--target=", joined, plain, kClang},
    {"-arch", separate, plain},
    {"-Qunused-arguments", flag, plain, kClang},
    {"-emit-llvm", flag, plain, kClang},
    {"-integrated-as", flag, plain, kClang},
    {"-no-integrated-as", flag, plain, kClang},

    // -f, -g and -m: no catch-all. What is on compiler/feature_options.cpp's lists is plain;
    // these entries win over the lists: they load code, write or read files ferry does not
    // see, record the command line, or change what is produced.
    {"-fplugin", joined, local_only, kBoth, nullptr, kLoadsCode},
    {"-fpass-plugin=", joined, local_only, kClang, nullptr, kLoadsCode},
    {"-fdump-", joined, local_only, kBoth, nullptr, kWritesFiles},
    {"-fcallgraph-info", joined, local_only, kGcc, nullptr, kWritesFiles},
    {"-fopt-info", joined, local_only, kGcc, nullptr, kWritesFiles},
    {"-fsave-optimization-record", joined, local_only, kClang, nullptr, kWritesFiles},
    {"-foptimization-record-", joined, local_only, kClang, nullptr, kWritesFiles},
    {"-ftime-trace", joined, local_only, kClang, nullptr, kWritesFiles},
    {"-fproc-stat-report", joined, local_only, kClang, nullptr, kWritesFiles},
    {"-fcrash-diagnostics", joined, local_only, kClang, nullptr, kWritesFiles},
    {"-fcompare-debug", joined, local_only, kGcc, nullptr, kWritesFiles},
    {"-fself-test", joined, local_only, kGcc, nullptr, kReadsFiles},
    {"-fprofile-", joined, local_only, kBoth, nullptr, kProfile},
    {"-fauto-profile", joined, local_only, kGcc, nullptr, kProfile},
    {"-fcs-profile-", joined, local_only, kClang, nullptr, kProfile},
    {"-ftest-coverage", flag, local_only, kBoth, nullptr, kProfile},
    {"--coverage", flag, local_only, kBoth, nullptr, kProfile},
    {"-fsyntax-only", flag, local_only, kBoth, nullptr, kNoObject},
    {"-fpreprocessed", flag, local_only, kGcc, nullptr, kNoObject},
    {"-frecord-gcc-switches", flag, local_only, kBoth, nullptr, kCommandLine},
    {"-fdebug-compilation-dir", joined, local_only, kClang, nullptr, kSearch},
    {"-ffile-compilation-dir=", joined, local_only, kClang, nullptr, kSearch},
    {"-fcoverage-compilation-dir=", joined, local_only, kClang, nullptr, kSearch},
    // gcc's -fmodule-mapper=|cmd runs a command.
    {"-fmodules", joined, local_only, kBoth, nullptr, kModules},
    {"-fmodule-", joined, local_only, kBoth, nullptr, kModules},
    {"-fimplicit-module-maps", flag, local_only, kClang, nullptr, kModules},
    {"-fprebuilt-", joined, local_only, kClang, nullptr, kModules},
    {"-fbuild-session-", joined, local_only, kClang, nullptr, kModules},
    {"-fpch-", joined, local_only, kBoth, nullptr, kModules},
    {"-include-pch", joined_or_separate, local_only, kClang, nullptr, kModules},
    {"-fsanitize-ignorelist=", joined, path, kClang},
    {"-fsanitize-blacklist=", joined, path, kClang},
    {"-fsanitize-system-ignorelist=", joined, local_only, kClang, nullptr, kReadsFiles},
    {"-fsanitize-coverage-", joined, local_only, kClang, nullptr, kReadsFiles},
    {"-fxray-attr-list=", joined, local_only, kClang, nullptr, kReadsFiles},
    {"-fxray-always-instrument=", joined, local_only, kClang, nullptr, kReadsFiles},
    {"-fxray-never-instrument=", joined, local_only, kClang, nullptr, kReadsFiles},
    {"-fbasic-block-sections=list", joined, local_only, kClang, nullptr, kReadsFiles},
    {"-fthinlto-index=", joined, local_only, kClang, nullptr, kReadsFiles},
    {"-fembed-offload-object", joined, local_only, kClang, nullptr, kReadsFiles},
    {"-fopenmp-host-ir-file-path", joined, local_only, kClang, nullptr, kReadsFiles},
    {"-fdeps-", joined, local_only, kGcc, nullptr, kWritesFiles},
    {"-ffile-prefix-map=", joined, prefix_map},
    {"-fdebug-prefix-map=", joined, prefix_map},
    {"-fmacro-prefix-map=", joined, prefix_map},
    {"-fcoverage-prefix-map=", joined, prefix_map, kClang},

    // What only the local machine can answer, or what writes files elsewhere.
    {"-H", flag, local_only, kBoth, nullptr, kDiagnosticsOnly},
    {"--trace-includes", flag, local_only, kClang, "-H", kDiagnosticsOnly},
    {"-v", flag, local_only, kBoth, nullptr, kDiagnosticsOnly},
    {"--verbose", flag, local_only, kBoth, "-v", kDiagnosticsOnly},
    {"-###", flag, local_only, kBoth, nullptr, kDiagnosticsOnly},
    {"-save-temps", flag, local_only, kBoth, nullptr, kWritesFiles},
    {"-save-temps=", joined, local_only, kBoth, nullptr, kWritesFiles},
    {"--save-temps", flag, local_only, kBoth, nullptr, kWritesFiles},
    {"-aux-info", separate, local_only, kGcc, nullptr, kWritesFiles},
    {"-dumpdir", separate, local_only, kBoth, nullptr, kWritesFiles},
    {"-dumpbase", separate, local_only, kGcc, nullptr, kWritesFiles},
    {"-dumpbase-ext", separate, local_only, kGcc, nullptr, kWritesFiles},
    {"-specs=", joined, local_only, kGcc, nullptr, kLoadsCode},
    {"-specs", separate, local_only, kGcc, nullptr, kLoadsCode},
    {"--specs=", joined, local_only, kGcc, nullptr, kLoadsCode},
    {"--specs", separate, local_only, kGcc, nullptr, kLoadsCode},
    {"-wrapper", separate, local_only, kGcc, nullptr, kLoadsCode},
    {"-iplugindir=", joined, local_only, kGcc, nullptr, kLoadsCode},

    // Link options: harmless with -c (the linker never runs), kept so real command lines
    // that pass them to every step still distribute.
    {"-l", joined_or_separate, plain},
    {"-L", joined_or_separate, plain},
    {"-Xlinker", separate, plain},
    {"-T", joined_or_separate, plain},
    {"-u", joined_or_separate, plain},
    {"-z", joined_or_separate, plain},
    {"-s", flag, plain},
    {"-shared", flag, plain},
    {"-static", flag, plain},
    {"-static-pie", flag, plain},
    {"-pie", flag, plain},
    {"-no-pie", flag, plain},
    {"-rdynamic", flag, plain},
    {"-nostdlib", flag, plain},
    {"-nostdlib++", flag, plain, kClang},
    {"-nodefaultlibs", flag, plain},
    {"-nostartfiles", flag, plain},
    {"-static-libgcc", flag, plain},
    {"-static-libstdc++", flag, plain},
    {"-shared-libgcc", flag, plain},
    {"-symbolic", flag, plain, kGcc},
};

bool takes_family(const Spec& spec, std::optional<Family> family) {
    if (!family) return true;
    return (spec.families & (*family == Family::clang ? kClang : kGcc)) != 0;
}

OptionMatch make_match(const Spec& spec) {
    OptionMatch m;
    m.canonical = std::string(spec.canonical ? spec.canonical : spec.name);
    m.role = spec.role;
    m.name = std::string(spec.name);
    m.why = spec.why;
    return m;
}

// -Wp,-MD,FILE and -Wp,-MMD,FILE (Kbuild's spelling) become dependency options whose value is
// FILE. Measured: gcc hands them to cc1 as "-MD FILE", which then names the target after the
// source ("x.o" for lib/x.c, whatever -o says) with -c, -S and -E -o /dev/null alike; clang's
// driver rewrites them to -MD/-MMD -MF FILE. Longer lists (-Wp,-MD,f,-MT,x) and every other
// -Wp, stay local: clang drops what follows FILE, gcc would not.
void as_wp_dependency(OptionMatch& m) {
    for (std::string_view flag : {"-MD,", "-MMD,"}) {
        std::string_view value = m.value;
        if (!value.starts_with(flag)) continue;
        std::string_view file = value.substr(flag.size());
        if (file.empty() || file.find(',') != std::string_view::npos) return;
        m.canonical = "-Wp," + std::string(flag.substr(0, flag.size() - 1));
        m.role = Role::dep_flag;
        m.value = std::string(file);
        m.why = nullptr;
        return;
    }
}

// A -f/-g/-m option from the explicit lists, or unknown.
std::variant<OptionMatch, MatchError> feature_match(const std::string& arg) {
    const size_t name_size = known_feature_option(arg);
    if (name_size == 0) return MatchError::unknown;
    OptionMatch m;
    m.name = arg.substr(0, name_size);
    m.canonical = m.name;
    m.value = arg.substr(name_size);
    m.joined = !m.value.empty();
    return m;
}

} // namespace

namespace {

// kSpecs by the second character of their names, in table order: a name that is an argument
// or a prefix of it shares the argument's second character. Every argument of every compile
// is matched twice (its family and all of them), by the wrapper, the coordinator and the
// runner: scanning the whole table for each was 80% of analyse() (48 us for an OpenSSL
// command line), two thirds of it in memcmp.
class SpecIndex {
  public:
    SpecIndex() {
        for (const Spec& spec : kSpecs)
            m_buckets[bucket_of(spec.name)].push_back(&spec);
    }
    // The specs whose name may be `arg` or a prefix of it, in table order: those of its
    // bucket and the names too short to have a second character.
    template <typename F> void candidates(std::string_view arg, F each) const {
        const size_t own = bucket_of(arg);
        for (const Spec* spec : m_buckets[own])
            each(*spec);
        if (own != 0)
            for (const Spec* spec : m_buckets[0])
                if (spec->name.empty() || arg.starts_with(spec->name)) each(*spec);
    }

  private:
    static size_t bucket_of(std::string_view name) {
        return name.size() < 2 ? 0 : static_cast<unsigned char>(name[1]);
    }
    std::array<std::vector<const Spec*>, 256> m_buckets;
};

const SpecIndex& spec_index() {
    static const SpecIndex index;
    return index;
}

std::variant<OptionMatch, MatchError> match_for(const std::vector<std::string>& args, size_t i,
                                                std::optional<Family> family) {
    const std::string& arg = args[i];
    const SpecIndex& index = spec_index();
    // Exact spellings first: "-MD" is a flag although "-MF" and "-M" look like its prefix.
    const Spec* exact = nullptr;
    index.candidates(arg, [&](const Spec& spec) {
        if (exact || !takes_family(spec, family) || arg != spec.name) return;
        if (spec.form != joined) exact = &spec;
    });
    if (exact) {
        if (exact->form == flag) return make_match(*exact);
        if (i + 1 >= args.size()) return MatchError::missing_value;
        OptionMatch m = make_match(*exact);
        m.value = args[i + 1];
        m.count = 2;
        return m;
    }
    // Then the longest prefix ("-Wp," before "-W"); a -f/-g/-m option that no entry names is
    // looked up in the explicit lists.
    const Spec* best = nullptr;
    index.candidates(arg, [&](const Spec& spec) {
        if (!takes_family(spec, family)) return;
        if (spec.form != joined && spec.form != joined_or_separate) return;
        if (!std::string_view(arg).starts_with(spec.name)) return;
        // A joined option needs a value, except the ones that only exist to send a whole
        // family of options local ("-fplugin" alone is as suspect as "-fplugin=x") and
        // "-Wa," (an empty assembler list must not pass as a warning option).
        if (arg.size() == spec.name.size() && spec.role != local_only && spec.role != assembler)
            return;
        if (!best || spec.name.size() > best->name.size()) best = &spec;
    });
    if (!best) return feature_match(arg);
    OptionMatch m = make_match(*best);
    m.value = arg.substr(best->name.size());
    m.joined = true;
    if (m.canonical == "-Wp,") as_wp_dependency(m);
    return m;
}

} // namespace

std::variant<OptionMatch, MatchError> match_option(const std::vector<std::string>& args, size_t i,
                                                   std::optional<Family> family) {
    auto own = match_for(args, i, family);
    if (!family) return own;
    // An option that is dangerous in any family stays local in all of them: the runner
    // checks against every family, and the client must never send what a runner refuses
    // (gcc would read -fpass-plugin= as a harmless -f option).
    auto any = match_for(args, i, std::nullopt);
    if (auto* m = std::get_if<OptionMatch>(&any); m && m->role == Role::local_only) {
        if (auto* mine = std::get_if<OptionMatch>(&own); !mine || mine->role != Role::local_only)
            return any;
    }
    // The runner also checks the values of what it knows from any family (a prefix map needs
    // OLD=NEW, a path must stay in the job). An option this family would pass on as a plain
    // flag is read the runner's way, so the client keeps locally what a runner would refuse
    // (found by fuzz_args: gcc passed -fcoverage-prefix-map=E on as a -f option).
    if (auto* m = std::get_if<OptionMatch>(&any); m && m->role != Role::plain) {
        if (auto* mine = std::get_if<OptionMatch>(&own); mine && mine->role == Role::plain)
            return any;
    }
    return own;
}

bool is_allowed_assembler_option(std::string_view item) {
    static constexpr std::array kExact = {
        std::string_view("--noexecstack"),
        std::string_view("--execstack"),
        std::string_view("--compress-debug-sections"),
        std::string_view("--nocompress-debug-sections"),
        std::string_view("--fatal-warnings"),
        std::string_view("--no-warn"),
        std::string_view("-W"),
        std::string_view("-mbranches-within-32B-boundaries"),
    };
    static constexpr std::array kPrefix = {
        std::string_view("--compress-debug-sections="),
        std::string_view("--generate-missing-build-notes="),
        std::string_view("-mrelax-relocations="),
        std::string_view("-mx86-used-note="),
    };
    for (auto e : kExact)
        if (item == e) return true;
    for (auto p : kPrefix)
        if (item.starts_with(p) && item.size() > p.size()) return true;
    return false;
}

bool assembler_options_allowed(const OptionMatch& match) {
    if (match.canonical != "-Wa,") return is_allowed_assembler_option(match.value);
    std::string_view items = match.value;
    for (size_t start = 0;;) {
        auto comma = items.find(',', start);
        if (!is_allowed_assembler_option(items.substr(start, comma - start))) return false;
        if (comma == std::string_view::npos) return true;
        start = comma + 1;
    }
}

std::string spelled(const std::vector<std::string>& args, size_t i, const OptionMatch& match) {
    if (match.count == 2) return args[i] + " " + args[i + 1];
    return args[i];
}

} // namespace ferry::compiler
