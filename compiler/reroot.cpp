// Re-rooting for a runner that compiles in a mirror directory: every path argument moves under
// the job's root. What is allowed at all is compiler/policy.hpp's decision, made first.
#include "compiler/args.hpp"
#include "compiler/option_table.hpp"
#include "compiler/policy.hpp"
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
    FERRY_TRY_VOID(check_policy(args));
    const Rerooter reroot(root, path_depth(normalize_path(cwd)));

    // The policy accepted every argument: each is a known option or the one source.
    std::vector<std::string> out;
    out.reserve(args.size());
    for (size_t i = 0; i < args.size();) {
        const std::string& arg = args[i];
        if (arg.empty() || arg[0] != '-') {
            FERRY_TRY(path, reroot.path(arg, arg));
            out.push_back(std::move(*path));
            ++i;
            continue;
        }
        auto result = match_option(args, i, std::nullopt);
        if (!std::holds_alternative<OptionMatch>(result))
            return make_error(Errc::invalid, "'{}' passed the policy unmatched", arg);
        const OptionMatch& m = std::get<OptionMatch>(result);
        const std::string text = spelled(args, i, m);
        switch (m.role) {
        case Role::output:
        case Role::include_dir:
        case Role::forced_include:
        case Role::path: {
            FERRY_TRY(path, reroot.path(m.value, text));
            emit(out, args, i, m, *path);
            break;
        }
        case Role::prefix_map: {
            // Only OLD names a path on this machine; NEW is what ends up in the output and
            // must stay the client's.
            const auto eq = m.value.find('=');
            std::string old_part = m.value.substr(0, eq);
            if (!old_part.empty() && old_part[0] == '/') {
                FERRY_TRY(path, reroot.path(old_part, text));
                old_part = std::move(*path);
            }
            emit(out, args, i, m, old_part + m.value.substr(eq));
            break;
        }
        default:
            for (size_t k = i; k < i + m.count; ++k)
                out.push_back(args[k]);
            break;
        }
        i += m.count;
    }
    return out;
}

} // namespace ferry::compiler
