#include "remote/runner/compile_command.hpp"

#include "compiler/args.hpp"
#include "remote/runner/mirror.hpp"
#include "remote/runner/opened_files.hpp"
#include "remote/runner/sandbox.hpp"
#include "util/fs.hpp"

#include <array>

namespace ferry::runner {

bool is_allowed_env(std::string_view name) {
    static constexpr std::array<std::string_view, 9> kAllowed = {
        "LANG",       "LC_ALL",   "LC_MESSAGES", "LC_CTYPE", "SOURCE_DATE_EPOCH",
        "GCC_COLORS", "GCC_URLS", "TERM_URLS",   "COLUMNS"};
    for (auto allowed : kAllowed)
        if (name == allowed) return true;
    return false;
}

bool is_allowed_pwd(std::string_view value) {
    // The compiler records PWD only when it names its working directory; a value it may
    // hold is an absolute, normalised path, so it cannot point the compiler anywhere else.
    return !value.empty() && value[0] == '/' && value.size() < 4096 &&
           value.find('\0') == std::string_view::npos && normalize_path(value) == value;
}

static void add_environment(CompileCommand& cmd, const proto::JobRequest& request,
                            std::string_view path_env, std::string_view tmpdir) {
    cmd.env.push_back("PATH=" + std::string(path_env));
    cmd.env.push_back("TMPDIR=" + std::string(tmpdir));
    for (const auto& [name, value] : request.env) {
        // No value of these needs a '/'; a locale name with one is a path glibc would load.
        if (name == "PWD") {
            if (!is_allowed_pwd(value)) continue;
        } else if (!is_allowed_env(name) || value.find('\0') != std::string::npos ||
                   value.find('/') != std::string::npos) {
            continue;
        }
        bool duplicate = false;
        for (const auto& kept : cmd.env)
            duplicate = duplicate || kept.compare(0, name.size() + 1, name + "=") == 0;
        if (!duplicate) cmd.env.push_back(name + "=" + value);
    }
}

std::string opened_rule_path(std::string_view tmpdir) {
    return join_path(tmpdir, kOpenedRuleName);
}

bool lists_opened(const proto::JobRequest& request) {
    return request.list_opened && !has_dependency_option(request.args);
}

static void add_opened_rule(CompileCommand& cmd, const proto::JobRequest& request,
                            const std::string& rule_path) {
    if (!lists_opened(request)) return;
    for (auto& arg : opened_rule_args(rule_path))
        cmd.argv.push_back(std::move(arg));
}

CompileCommand build_compile_command(const compiler::Identity& compiler,
                                     const proto::JobRequest& request, std::string_view root,
                                     const std::vector<std::string>& rerooted_args,
                                     std::string_view job_dir, std::string_view path_env) {
    CompileCommand cmd;
    cmd.program = compiler.path;
    cmd.cwd = mirrored_path(root, request.cwd);
    cmd.argv.push_back(compiler.name);
    // gcc tries prefix maps last-given first and applies only the first that matches: the
    // mirror's map goes before the user's, so a user map (rerooted) still wins as it does locally.
    cmd.argv.push_back("-ffile-prefix-map=" + std::string(root) + "=");
    cmd.argv.insert(cmd.argv.end(), rerooted_args.begin(), rerooted_args.end());
    cmd.argv.push_back("-nostdinc");
    if (request.language == "c++") cmd.argv.push_back("-nostdinc++");
    for (const auto& dir : request.system_include_dirs) {
        cmd.argv.push_back("-isystem");
        cmd.argv.push_back(std::string(root) + dir); // lexical, as the client's compiler spelled it
    }
    if (request.color_diagnostics) cmd.argv.push_back("-fdiagnostics-color=always");
    add_opened_rule(cmd, request, opened_rule_path(job_dir));

    add_environment(cmd, request, path_env, job_dir);
    return cmd;
}

CompileCommand build_sandboxed_command(const proto::JobRequest& request, std::string_view job_dir) {
    CompileCommand cmd;
    cmd.program = request.toolchain.program;
    cmd.cwd = std::string(job_dir);
    cmd.argv.push_back(request.compiler_name);
    cmd.argv.insert(cmd.argv.end(), request.args.begin(), request.args.end());
    if (request.color_diagnostics) cmd.argv.push_back("-fdiagnostics-color=always");
    add_opened_rule(cmd, request, opened_rule_path(kSandboxTmp));
    add_environment(cmd, request, request.toolchain.path_env, kSandboxTmp);
    return cmd;
}

std::string strip_root(std::string_view text, std::string_view root) {
    if (root.empty()) return std::string(text);
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    for (;;) {
        size_t hit = text.find(root, pos);
        if (hit == std::string_view::npos) break;
        out.append(text.substr(pos, hit - pos));
        pos = hit + root.size();
    }
    out.append(text.substr(pos));
    return out;
}

std::string source_of(std::string_view compiler_name, const std::vector<std::string>& args) {
    auto analysis = compiler::analyse(compiler_name, args);
    return analysis.source.empty() ? "?" : analysis.source;
}

} // namespace ferry::runner
