#include "coordinator/file_store_has_include.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace ferry::coordinator {
namespace {

constexpr size_t npos = std::string_view::npos;

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}
bool is_ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_ident(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Blanks and line splices from `pos`; with `newlines`, line ends too.
size_t skip_blanks(std::string_view t, size_t pos, bool newlines) {
    while (pos < t.size()) {
        if (is_blank(t[pos]) || (newlines && t[pos] == '\n'))
            ++pos;
        else if (t[pos] == '\\' && pos + 1 < t.size() && t[pos + 1] == '\n')
            pos += 2;
        else
            break;
    }
    return pos;
}

// Start of the logical line holding `pos` (physical lines joined by splices).
size_t line_start(std::string_view t, size_t pos) {
    for (;;) {
        size_t nl = pos == 0 ? npos : t.rfind('\n', pos - 1);
        if (nl == npos) return 0;
        size_t before = nl;
        while (before > 0 && t[before - 1] == '\r')
            --before;
        if (before > 0 && t[before - 1] == '\\') {
            pos = before - 1;
            continue;
        }
        return nl + 1;
    }
}

std::string_view identifier_at(std::string_view t, size_t pos) {
    size_t end = pos;
    while (end < t.size() && is_ident(t[end]))
        ++end;
    return t.substr(pos, end - pos);
}

// The directive of the logical line holding `pos` ("define", "if", "ifdef"...), and where
// its name ends; empty if the line is no directive.
std::pair<std::string_view, size_t> directive_of(std::string_view t, size_t pos) {
    size_t p = skip_blanks(t, line_start(t, pos), false);
    if (p < t.size() && t[p] == '#')
        ++p;
    else if (p + 1 < t.size() && t[p] == '%' && t[p + 1] == ':')
        p += 2;
    else
        return {{}, npos};
    p = skip_blanks(t, p, false);
    auto name = identifier_at(t, p);
    return {name, p + name.size()};
}

struct Define {
    std::string_view name;
    size_t name_pos = npos;
    std::vector<std::string_view> params; // empty for an object-like macro
};

// The #define whose logical line holds `pos`, if any.
std::optional<Define> enclosing_define(std::string_view t, size_t pos) {
    auto [directive, end] = directive_of(t, pos);
    if (directive != "define") return std::nullopt;
    Define d;
    d.name_pos = skip_blanks(t, end, false);
    d.name = identifier_at(t, d.name_pos);
    size_t p = d.name_pos + d.name.size();
    if (p < t.size() && t[p] == '(') { // function-like: no blank before the parenthesis
        ++p;
        for (;;) {
            p = skip_blanks(t, p, false);
            auto param = identifier_at(t, p);
            if (param.empty()) break;
            d.params.push_back(param);
            p = skip_blanks(t, p + param.size(), false);
            if (p >= t.size() || t[p] != ',') break;
            ++p;
        }
    }
    return d;
}

bool contains_word(std::string_view text, std::string_view word) {
    for (size_t p = text.find(word); p != npos; p = text.find(word, p + 1)) {
        bool starts = p == 0 || !is_ident(text[p - 1]);
        bool ends = p + word.size() >= text.size() || !is_ident(text[p + word.size()]);
        if (starts && ends) return true;
    }
    return false;
}

// `"name"` or `<name>` at `pos`, then blanks and `)`: the header and the position after `)`.
std::optional<std::pair<HeaderLookup, size_t>> literal_argument(std::string_view t, size_t pos) {
    if (pos >= t.size() || (t[pos] != '"' && t[pos] != '<')) return std::nullopt;
    const char close = t[pos] == '"' ? '"' : '>';
    size_t end = pos + 1;
    while (end < t.size() && t[end] != close && t[end] != '\n')
        ++end;
    if (end >= t.size() || t[end] != close || end == pos + 1) return std::nullopt;
    size_t after = skip_blanks(t, end + 1, true);
    if (after >= t.size() || t[after] != ')') return std::nullopt;
    HeaderLookup h{std::string(t.substr(pos + 1, end - pos - 1)), close == '>'};
    return std::pair{std::move(h), after + 1};
}

// The identifier just before `pos` (blanks and an opening parenthesis skipped), for
// `defined(__has_include)`, `defined __has_include`, `#ifdef __has_include`.
std::string_view previous_identifier(std::string_view t, size_t pos) {
    while (pos > 0 && (is_blank(t[pos - 1]) || t[pos - 1] == '(' || t[pos - 1] == '\n'))
        --pos;
    size_t start = pos;
    while (start > 0 && is_ident(t[start - 1]))
        --start;
    return t.substr(start, pos - start);
}

bool names_has_include(std::string_view ident) {
    static constexpr std::string_view kWord = "has_include";
    return std::search(ident.begin(), ident.end(), kWord.begin(), kWord.end(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           }) != ident.end();
}

class Reader {
  public:
    explicit Reader(std::string_view text) : t(text) {}

    HasIncludeUses read() {
        size_t i = 0;
        while (i < t.size()) {
            const char c = t[i];
            if (c == '/' && i + 1 < t.size() && t[i + 1] == '/') {
                i = t.find('\n', i);
            } else if (c == '/' && i + 1 < t.size() && t[i + 1] == '*') {
                i = t.find("*/", i + 2);
                if (i != npos) i += 2;
            } else if (c == '"' || c == '\'') {
                i = skip_literal(i);
            } else if (std::isdigit(static_cast<unsigned char>(c))) {
                // A pp-number, so that a digit separator (1'000) opens no character literal.
                while (i < t.size() && (is_ident(t[i]) || t[i] == '.' || t[i] == '\''))
                    ++i;
            } else if (is_ident_start(c)) {
                i = identifier(i);
            } else {
                ++i;
            }
        }
        return std::move(uses);
    }

  private:
    size_t skip_literal(size_t i) {
        const char quote = t[i++];
        while (i < t.size() && t[i] != quote && t[i] != '\n')
            i += t[i] == '\\' ? 2 : 1;
        return std::min(i + 1, t.size());
    }

    size_t identifier(size_t pos) {
        auto ident = identifier_at(t, pos);
        size_t after = pos + ident.size();
        if (ident == "__has_include" || ident == "__has_include_next")
            return operator_use(pos, ident);
        size_t open = skip_blanks(t, after, true);
        if (open >= t.size() || t[open] != '(') return after;
        size_t arg = skip_blanks(t, open + 1, true);
        if (auto literal = literal_argument(t, arg)) {
            uses.calls.push_back({std::string(ident), std::move(literal->first)});
            return literal->second;
        }
        if (names_has_include(ident) && !is_define_name(pos))
            uses.non_literal_calls.emplace_back(ident);
        return after;
    }

    bool is_define_name(size_t pos) {
        auto d = enclosing_define(t, pos);
        return d && d->name_pos == pos;
    }

    size_t operator_use(size_t pos, std::string_view ident) {
        size_t after = pos + ident.size();
        if (is_define_name(pos)) return after; // `#define __has_include(x) 0`, for old compilers
        size_t open = skip_blanks(t, after, true);
        if (open >= t.size() || t[open] != '(') {
            auto before = previous_identifier(t, pos);
            if (before == "defined" || before == "ifdef" || before == "ifndef" || before == "undef")
                return after;
            return not_followed(pos, after); // `#define HAS __has_include`: not followed
        }
        size_t arg = skip_blanks(t, open + 1, true);
        if (auto literal = literal_argument(t, arg)) {
            // `#define HAS(n) __has_include(<n.h>)`: the parameter is replaced inside.
            if (auto d = enclosing_define(t, pos))
                for (auto param : d->params)
                    if (contains_word(literal->first.name, param))
                        return not_followed(pos, literal->second);
            uses.lookups.push_back(std::move(literal->first));
            return literal->second;
        }
        auto param = identifier_at(t, arg);
        size_t close = skip_blanks(t, arg + param.size(), true);
        if (!param.empty() && close < t.size() && t[close] == ')') {
            if (auto d = enclosing_define(t, pos);
                d && !d->name.empty() &&
                std::find(d->params.begin(), d->params.end(), param) != d->params.end()) {
                uses.wrappers.emplace_back(d->name);
                return close + 1;
            }
        }
        return not_followed(pos, open + 1);
    }

    size_t not_followed(size_t pos, size_t resume) {
        if (uses.non_literal.empty()) {
            size_t end = std::min({t.find('\n', pos), t.find(')', pos), pos + 60, t.size()});
            if (end < t.size() && t[end] == ')') ++end;
            uses.non_literal = std::string(t.substr(pos, end - pos));
        }
        return resume;
    }

    std::string_view t;
    HasIncludeUses uses;
};

} // namespace

HasIncludeUses has_include_uses(std::string_view content) {
    return Reader(content).read();
}

} // namespace ferry::coordinator
