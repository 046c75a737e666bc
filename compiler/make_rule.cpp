#include "compiler/make_rule.hpp"

#include <algorithm>

namespace ferry::compiler {

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

// One logical line holding one rule.
Result<MakeRule> parse_rule_line(std::string_view rule) {
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
            // -MT writes its target verbatim ("-MT 'a$'"); the compilers escape every '$'
            // of a prerequisite, and -MQ's.
            if (in_targets && (i + 1 >= rule.size() || rule[i + 1] != '$')) {
                word += '$';
                have_word = true;
                continue;
            }
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

std::vector<std::string> rule_lines(std::string_view text) {
    std::vector<std::string> rules;
    for (auto& line : logical_lines(text))
        if (!is_blank(line)) rules.push_back(std::move(line));
    return rules;
}

} // namespace

Result<MakeRule> parse_make_rule(std::string_view text) {
    auto rules = rule_lines(text);
    if (rules.size() > 1)
        return make_error(Errc::invalid, "more than one rule (a file name with a newline?)");
    return parse_rule_line(rules.empty() ? std::string_view() : std::string_view(rules[0]));
}

Result<MakeRule> parse_depfile(std::string_view text) {
    auto rules = rule_lines(text);
    if (rules.empty()) return make_error(Errc::invalid, "no ':' in the rule");
    FERRY_TRY(first, parse_rule_line(rules[0]));
    for (size_t i = 1; i < rules.size(); ++i) {
        FERRY_TRY(phony, parse_rule_line(rules[i]));
        const auto& names = first->prerequisites;
        const bool listed = phony->targets.size() == 1 &&
                            std::find(names.begin(), names.end(), phony->targets[0]) != names.end();
        if (!listed || !phony->prerequisites.empty())
            return make_error(Errc::invalid,
                              "a second rule that is not -MP's (a file name with a newline?)");
    }
    return std::move(*first);
}

} // namespace ferry::compiler
