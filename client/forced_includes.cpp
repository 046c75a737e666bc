#include "client/forced_includes.hpp"

#include "util/subprocess.hpp"

namespace ferry::client {
std::vector<std::string> make_rule_pass_args(const compiler::Analysis& analysis) {
    std::vector<std::string> args = analysis.make_rule_args;
    // -M alone (not -MM): system headers reached only through a forced include must be
    // shipped too.
    args.insert(args.end(), {"-M", "-MT", std::string(kMakeRuleTarget)});
    if (analysis.make_rule_pass == compiler::MakeRulePass::source) {
        args.push_back(analysis.source);
    } else {
        // -x because /dev/null has no extension to say the language.
        args.insert(args.end(), {"-x", analysis.language, "/dev/null"});
    }
    return args;
}

Result<std::vector<std::string>> make_rule_files(std::string_view make_output, std::string_view cwd,
                                                 const FileExists& exists) {
    FERRY_TRY(rule, parse_make_rule(make_output));
    if (rule->targets.size() != 1 || rule->targets[0] != kMakeRuleTarget)
        return make_error(Errc::invalid, "the rule is not for '{}'", kMakeRuleTarget);
    std::vector<std::string> files;
    for (auto& path : rule->prerequisites) {
        if (path == "/dev/null") continue;
        if (!exists(join_to_cwd(cwd, path)))
            return make_error(Errc::compile_locally,
                              "'{}' is not a file (a name make cannot spell?)", path);
        files.push_back(std::move(path));
    }
    return files;
}

Result<std::vector<std::string>> list_make_rule_files(const std::string& compiler_path,
                                                      const compiler::Analysis& analysis,
                                                      std::string_view cwd) {
    RunOptions options;
    options.program = compiler_path;
    options.cwd = std::string(cwd);
    options.argv.push_back(compiler_path);
    for (auto& arg : make_rule_pass_args(analysis))
        options.argv.push_back(std::move(arg));
    FERRY_TRY(pass, run_process(options));
    if (pass->term_signal != 0 || pass->exit_code != 0)
        return make_error(Errc::compile_locally, "the -M pass failed");
    return make_rule_files(pass->out, cwd);
}

} // namespace ferry::client
