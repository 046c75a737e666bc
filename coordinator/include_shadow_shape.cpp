#include "coordinator/include_shadow_shape.hpp"

#include "compiler/option_table.hpp"
#include "util/hash.hpp"

namespace ferry::coordinator {

namespace {

bool starts(std::string_view arg, std::string_view prefix) {
    return arg.starts_with(prefix);
}

// Strict ISO modes honour trigraphs (gcc ignores them otherwise; C++17 removed them).
bool strict_iso_with_trigraphs(std::string_view std_value) {
    for (std::string_view mode : {"c89", "c90", "c99", "c9x", "c11", "c1x", "c17", "c18", "c2x",
                                  "iso9899:", "c++98", "c++03", "c++0x", "c++11", "c++1y", "c++14"})
        if (std_value.starts_with(mode)) return true;
    return false;
}

void field(Hasher& h, std::string_view text) {
    // Every field ends with a NUL, so no two different shapes hash the same bytes.
    h.update(text);
    h.update(std::string_view("\0", 1));
}

} // namespace

ShadowShape shadow_shape(const std::vector<std::string>& args, std::string_view language) {
    ShadowShape shape;
    shape.lex.cplusplus = language == "c++";
    std::vector<includes::ForcedInclude> imacros, include;
    bool strict_std = false, trigraphs = false;
    for (size_t i = 0; i < args.size();) {
        const std::string& arg = args[i];
        if (arg.size() < 2 || arg[0] != '-') {
            ++i; // the source
            continue;
        }
        auto matched = compiler::match_option(args, i, std::nullopt);
        if (!std::holds_alternative<compiler::OptionMatch>(matched)) {
            ++i; // an unknown option sends the job local anyway
            continue;
        }
        const auto& m = std::get<compiler::OptionMatch>(matched);
        size_t end = std::min(args.size(), i + std::max<size_t>(m.count, 1));
        std::vector<std::string> words(args.begin() + static_cast<ptrdiff_t>(i),
                                       args.begin() + static_cast<ptrdiff_t>(end));
        auto to = [&](std::vector<std::string>& list) {
            list.insert(list.end(), words.begin(), words.end());
        };
        const std::string& name = m.canonical.empty() ? arg : m.canonical;
        if (m.role == compiler::Role::include_dir) {
            to(shape.search_args);
        } else if (m.role == compiler::Role::forced_include) {
            (name == "-imacros" ? imacros : include).push_back({m.value, name == "-imacros"});
        } else if (name == "-D" || name == "-U" || starts(name, "-std=") || name == "-ansi" ||
                   starts(arg, "-O") || name == "-pthread" || name == "-undef" ||
                   name == "-trigraphs") {
            to(shape.macro_args);
            // The last -std= decides; -ansi and -trigraphs turn trigraphs on whatever it says.
            if (name == "-std=") strict_std = strict_iso_with_trigraphs(m.value);
            if (name == "-ansi" || name == "-trigraphs") trigraphs = true;
        } else if ((starts(arg, "-f") || starts(arg, "-m")) &&
                   (m.role == compiler::Role::plain || m.role == compiler::Role::arch)) {
            to(shape.macro_args);
            // -m32/-m64/-mx32 choose the multilib directories, and the probe must be a command
            // the compiler accepts: -mcmodel=kernel is refused without -fno-PIE.
            to(shape.search_args);
            if (arg == "-ffreestanding" || arg == "-fpreprocessed")
                shape.no_implicit_include = true;
        } else if (name == "-target" || starts(name, "--target=")) {
            to(shape.macro_args);
            to(shape.search_args);
        } else if (name == "-nostdinc" || name == "-nostdinc++" || starts(name, "-stdlib=") ||
                   starts(name, "--sysroot") || name == "-isysroot" || name == "-B" ||
                   starts(name, "--gcc-toolchain")) {
            to(shape.search_args);
            if (name == "-nostdinc") shape.no_implicit_include = true;
        }
        i = end;
    }
    shape.lex.trigraphs = strict_std || trigraphs;
    shape.forced = std::move(imacros);
    shape.forced.insert(shape.forced.end(), include.begin(), include.end());
    return shape;
}

std::vector<std::string> macro_probe_args(const ShadowShape& shape, std::string_view language) {
    std::vector<std::string> out = shape.macro_args;
    for (const char* word : {"-dM", "-E", "-x"})
        out.emplace_back(word);
    out.emplace_back(language);
    out.emplace_back("/dev/null");
    return out;
}

std::vector<std::string> search_probe_args(const ShadowShape& shape, std::string_view language) {
    std::vector<std::string> out = shape.search_args;
    for (const char* word : {"-E", "-v", "-o", "/dev/null", "-x"})
        out.emplace_back(word);
    out.emplace_back(language);
    out.emplace_back("/dev/null");
    return out;
}

std::string macro_key(std::string_view compiler, const ShadowShape& shape,
                      std::string_view language) {
    Hasher h;
    field(h, "ferry shadow macros 1");
    field(h, compiler);
    field(h, language);
    for (const auto& arg : shape.macro_args)
        field(h, arg);
    return h.hex_digest();
}

std::string search_key(std::string_view compiler, std::string_view cwd, const ShadowShape& shape,
                       std::string_view language) {
    Hasher h;
    field(h, "ferry shadow search 1");
    field(h, compiler);
    field(h, cwd);
    field(h, language);
    for (const auto& arg : shape.search_args)
        field(h, arg);
    return h.hex_digest();
}

} // namespace ferry::coordinator
