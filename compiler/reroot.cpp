// The runner's argument policy. Input comes from the network, so everything not known to be
// safe is refused: the client only sends what analyse() accepted, and analyse() accepts
// nothing this function would refuse (except the dependency options it strips itself).
#include "compiler/args.hpp"
#include "compiler/option_table.hpp"
#include "util/fs.hpp"

namespace ferry::compiler {
namespace {

class Rerooter {
  public:
    Rerooter(std::string_view root, int cwd_depth) : m_root(root), m_cwd_depth(cwd_depth) {
        while (m_root.size() > 1 && m_root.back() == '/')
            m_root.pop_back();
    }

    // `path` as the compiler in <root>/<cwd> must see it. `what` names the argument in errors.
    Result<std::string> path(std::string_view path, const std::string& what) const {
        if (path.empty()) return make_error(Errc::refused, "{}: empty path", what);
        if (path[0] == '/') {
            if (!stays_within(path)) return climbs(what);
            return m_root + std::string(path);
        }
        if (!stays_within(path, m_cwd_depth)) return climbs(what);
        return std::string(path);
    }

  private:
    static Error climbs(const std::string& what) {
        return make_error(Errc::refused, "{} climbs out of the job directory", what);
    }

    std::string m_root;
    int m_cwd_depth;
};

Error refuse(const std::string& what, std::string_view why) {
    return make_error(Errc::refused, "'{}' is not allowed on a runner: {}", what, why);
}

// Puts the rewritten value back in the spelling it came in.
void emit(std::vector<std::string>& out, const std::vector<std::string>& args, size_t i,
          const OptionMatch& m, const std::string& value) {
    if (m.count == 2) {
        out.push_back(args[i]);
        out.push_back(value);
    } else {
        out.push_back(m.name + value);
    }
}

} // namespace

Result<std::vector<std::string>> reroot_args(const std::vector<std::string>& args,
                                             std::string_view root, std::string_view cwd) {
    if (cwd.empty() || cwd[0] != '/')
        return make_error(Errc::refused, "working directory '{}' is not absolute", cwd);
    if (root.empty() || root[0] != '/')
        return make_error(Errc::invalid, "job root '{}' is not absolute", root);
    const Rerooter reroot(root, path_depth(normalize_path(cwd)));

    // The compiler expands @file anywhere in argv, an option's separate value included.
    for (const auto& arg : args)
        if (arg.starts_with('@')) return refuse(arg, "response files");

    std::vector<std::string> out;
    out.reserve(args.size());
    bool compiles = false;
    bool has_source = false;
    for (size_t i = 0; i < args.size();) {
        const std::string& arg = args[i];
        if (arg == "-") return refuse(arg, "the source must be a file");
        if (arg.empty() || arg[0] != '-') {
            if (has_source) return refuse(arg, "one source per job");
            FERRY_TRY(path, reroot.path(arg, arg));
            out.push_back(std::move(*path));
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
        const std::string text = spelled(args, i, m);
        switch (m.role) {
        case Role::local_only:
            return refuse(text, m.why ? m.why : "runs locally");
        case Role::preprocess:
            return refuse(text, "runners only compile");
        case Role::dep_flag:
        case Role::dep_file:
        case Role::dep_target:
            return refuse(text, "the client writes dependency files");
        case Role::arch:
            if (m.value.starts_with("native")) return refuse(text, "depends on the machine");
            emit(out, args, i, m, m.value);
            break;
        case Role::assembler:
            if (!assembler_options_allowed(m))
                return refuse(text, "assembler options may write files");
            emit(out, args, i, m, m.value);
            break;
        case Role::compile:
        case Role::assemble:
            compiles = true;
            out.push_back(arg);
            break;
        case Role::output:
            if (m.value == "-") return refuse(text, "output to stdout");
            [[fallthrough]];
        case Role::include_dir:
            if (m.role == Role::include_dir && m.canonical == "-I" && m.value == "-")
                return refuse(text, "the old quote/angle split is not supported");
            [[fallthrough]];
        case Role::forced_include:
        case Role::path: {
            FERRY_TRY(path, reroot.path(m.value, text));
            emit(out, args, i, m, *path);
            break;
        }
        case Role::prefix_map: {
            // OLD=NEW; both compilers split at the first '='. Only OLD names a path on this
            // machine; NEW is what ends up in the output and must stay the client's.
            auto eq = m.value.find('=');
            if (eq == std::string::npos) return refuse(text, "expected OLD=NEW");
            std::string old_part = m.value.substr(0, eq);
            if (!old_part.empty() && old_part[0] == '/') {
                FERRY_TRY(path, reroot.path(old_part, text));
                old_part = std::move(*path);
            }
            emit(out, args, i, m, old_part + m.value.substr(eq));
            break;
        }
        case Role::language:
            if (m.value != "c" && m.value != "c++" && m.value != "none")
                return refuse(text, "only C and C++ are compiled remotely");
            emit(out, args, i, m, m.value);
            break;
        case Role::plain:
            for (size_t k = i; k < i + m.count; ++k)
                out.push_back(args[k]);
            break;
        }
        i += m.count;
    }
    if (!compiles) return make_error(Errc::refused, "no -c or -S: runners do not link");
    if (!has_source) return make_error(Errc::refused, "no source file");
    return out;
}

} // namespace ferry::compiler
