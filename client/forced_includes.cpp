#include "client/forced_includes.hpp"

#include "util/subprocess.hpp"

namespace ferry::client {
namespace {

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// The logical lines of `text`: a newline after an odd run of backslashes continues the line
// (the last backslash and the newline become a space, as make reads it).
std::vector<std::string> logical_lines(std::string_view text) {
    std::vector<std::string> lines(1);
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '\n') {
            lines.back() += c;
            continue;
        }
        std::string& line = lines.back();
        if (!line.empty() && line.back() == '\r') line.pop_back();
        size_t run = 0;
        while (run < line.size() && line[line.size() - 1 - run] == '\\')
            ++run;
        if (run % 2 == 1) {
            line.back() = ' ';
        } else {
            lines.emplace_back();
        }
    }
    return lines;
}

} // namespace

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

Result<MakeRule> parse_make_rule(std::string_view text) {
    std::string rule;
    for (auto& line : logical_lines(text)) {
        if (is_blank(line)) continue;
        if (!rule.empty())
            return make_error(Errc::invalid, "more than one rule (a file name with a newline?)");
        rule = std::move(line);
    }
    MakeRule result;
    bool in_targets = true;
    bool have_word = false;
    std::string word;
    auto end_word = [&] {
        if (!have_word) return;
        (in_targets ? result.targets : result.prerequisites).push_back(std::move(word));
        word.clear();
        have_word = false;
    };
    for (size_t i = 0; i < rule.size(); ++i) {
        const char c = rule[i];
        if (c == '\\') {
            size_t run = 0;
            while (i + run < rule.size() && rule[i + run] == '\\')
                ++run;
            const size_t next = i + run;
            const bool escapes = next < rule.size() &&
                                 (rule[next] == ' ' || rule[next] == '\t' || rule[next] == '#');
            if (!escapes) {
                word.append(run, '\\');
                have_word = true;
                i = next - 1;
                continue;
            }
            word.append(run / 2, '\\');
            have_word = have_word || run >= 2;
            if (run % 2 == 1) {
                word += rule[next];
                have_word = true;
                i = next;
            } else {
                i = next - 1; // the space or '#' is read as itself
            }
            continue;
        }
        if (c == '$') {
            if (i + 1 >= rule.size() || rule[i + 1] != '$')
                return make_error(Errc::invalid, "a '$' that is not '$$'");
            word += '$';
            have_word = true;
            ++i;
            continue;
        }
        if (c == '#') return make_error(Errc::invalid, "a comment in the rule");
        if (c == ' ' || c == '\t' || c == '\r') {
            end_word();
            continue;
        }
        // The targets end at the first ':' followed by a blank or the end; a ':' inside a
        // prerequisite is part of its name (neither compiler escapes it).
        const bool separator = in_targets && c == ':' &&
                               (i + 1 == rule.size() || rule[i + 1] == ' ' || rule[i + 1] == '\t');
        if (separator) {
            end_word();
            in_targets = false;
            continue;
        }
        word += c;
        have_word = true;
    }
    end_word();
    if (in_targets) return make_error(Errc::invalid, "no ':' in the rule");
    if (result.targets.empty()) return make_error(Errc::invalid, "a rule without a target");
    return result;
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
