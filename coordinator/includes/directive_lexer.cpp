#include "coordinator/includes/directive_lexer.hpp"

#include <array>
#include <cctype>

namespace ferry::includes {
namespace {

constexpr size_t npos = std::string_view::npos;

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}
bool is_ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80; // UTF-8 identifiers
}
bool is_ident(char c) {
    return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c));
}
bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c));
}

char trigraph(char c) {
    switch (c) {
    case '=':
        return '#';
    case '/':
        return '\\';
    case '\'':
        return '^';
    case '(':
        return '[';
    case ')':
        return ']';
    case '!':
        return '|';
    case '<':
        return '{';
    case '>':
        return '}';
    case '-':
        return '~';
    default:
        return 0;
    }
}

// Translation phases 1 and 2: trigraphs replaced (when asked), line splices removed. A
// backslash followed by blanks and a newline is a splice too (gcc and clang warn, and splice).
// `splices` holds the offsets in `text` where a newline was removed, to count lines.
struct Clean {
    std::string text;
    std::vector<size_t> splices;
};

Clean clean(std::string_view in, bool trigraphs) {
    Clean out;
    out.text.reserve(in.size());
    for (size_t i = 0; i < in.size();) {
        char c = in[i];
        size_t len = 1;
        if (trigraphs && c == '?' && i + 2 < in.size() && in[i + 1] == '?') {
            if (char t = trigraph(in[i + 2])) {
                c = t;
                len = 3;
            }
        }
        if (c == '\\') {
            size_t j = i + len;
            while (j < in.size() && is_blank(in[j]) && in[j] != '\r')
                ++j;
            if (j < in.size() && in[j] == '\r') ++j;
            if (j < in.size() && in[j] == '\n') {
                out.splices.push_back(out.text.size());
                i = j + 1;
                continue;
            }
        }
        out.text.push_back(c);
        i += len;
    }
    return out;
}

// Physical line of an offset in the cleaned text; offsets must be asked in increasing order.
class LineCounter {
  public:
    explicit LineCounter(const Clean& c) : m_c(c) {}
    uint32_t at(size_t pos) {
        for (; m_pos < pos && m_pos < m_c.text.size(); ++m_pos)
            if (m_c.text[m_pos] == '\n') ++m_line;
        while (m_splice < m_c.splices.size() && m_c.splices[m_splice] <= pos) {
            ++m_splice;
            ++m_line;
        }
        return m_line;
    }

  private:
    const Clean& m_c;
    size_t m_pos = 0;
    size_t m_splice = 0;
    uint32_t m_line = 1;
};

constexpr std::array<std::string_view, 4> k_digraphs_from{"%:%:", "%:", "<:", ":>"};
constexpr std::array<std::string_view, 4> k_digraphs_to{"##", "#", "[", "]"};
constexpr std::array<std::string_view, 31> k_puncts{"%:%:", "<<=", ">>=", "...", "->*", "##", "<<",
                                                    ">>",   "<=",  ">=",  "==",  "!=",  "&&", "||",
                                                    "->",   "++",  "--",  "+=",  "-=",  "*=", "/=",
                                                    "%=",   "&=",  "|=",  "^=",  "::",  "<:", ":>",
                                                    "<%",   "%>",  "%:"};

class Scanner {
  public:
    Scanner(std::string_view text, const LexOptions& options) : t(text), opt(options) {}

    std::string_view t;
    const LexOptions& opt;
    size_t i = 0;

    char at(size_t p) const { return p < t.size() ? t[p] : '\0'; }

    // A block comment from `i` (at "/*"); stops at the end of the text if unterminated.
    void skip_block_comment() {
        size_t end = t.find("*/", i + 2);
        i = end == std::string_view::npos ? t.size() : end + 2;
    }
    void skip_line_comment() {
        size_t end = t.find('\n', i);
        i = end == std::string_view::npos ? t.size() : end;
    }

    // Blanks and comments on this logical line; true if any.
    bool skip_blanks() {
        bool any = false;
        for (;;) {
            if (i < t.size() && is_blank(t[i])) {
                ++i;
            } else if (at(i) == '/' && at(i + 1) == '*') {
                skip_block_comment();
            } else if (at(i) == '/' && at(i + 1) == '/') {
                skip_line_comment();
            } else {
                return any;
            }
            any = true;
        }
    }

    // A string or character literal from its quote at `i`. Literals never span lines: an
    // unterminated one (`don't` in an #if 0 block) ends at the line's end, as in gcc.
    void skip_quoted() {
        char quote = t[i++];
        while (i < t.size() && t[i] != '\n') {
            if (t[i] == '\\' && i + 1 < t.size() && t[i + 1] != '\n') {
                i += 2;
            } else if (t[i++] == quote) {
                return;
            }
        }
    }

    // A raw string literal from its `"`: R"delim( ... )delim". False (nothing consumed) if
    // the delimiter is malformed; gcc then lexes it as an ordinary string.
    bool skip_raw() {
        size_t open = t.find('(', i + 1);
        if (open == std::string_view::npos || open - i - 1 > 16) return false;
        std::string_view delim = t.substr(i + 1, open - i - 1);
        for (char c : delim)
            if (is_blank(c) || c == '\n' || c == '\\' || c == ')') return false;
        std::string close = ")" + std::string(delim) + "\"";
        size_t end = t.find(close, open + 1);
        i = end == std::string_view::npos ? t.size() : end + close.size();
        return true;
    }

    static bool string_prefix(std::string_view id) {
        return id == "L" || id == "u" || id == "U" || id == "u8";
    }
    static bool raw_prefix(std::string_view id) {
        return id == "R" || id == "LR" || id == "uR" || id == "UR" || id == "u8R";
    }

    // pp-number from `i`: digits, letters, `.`, exponent signs, C++14 digit separators.
    void skip_number() {
        ++i;
        while (i < t.size()) {
            char c = t[i];
            if ((c == '+' || c == '-') &&
                (t[i - 1] == 'e' || t[i - 1] == 'E' || t[i - 1] == 'p' || t[i - 1] == 'P'))
                ++i;
            else if (is_ident(c) || c == '.')
                ++i;
            else if (opt.cplusplus && c == '\'' && is_ident(at(i + 1)))
                i += 2;
            else
                break;
        }
    }

    // One token of a directive's line from `i` (after blanks), or false at the line's end.
    bool next_token(Token& tok) {
        tok.hash = 0; // `tok` may be a token moved from: only an identifier has one
        tok.space_before = skip_blanks();
        if (i >= t.size() || t[i] == '\n') return false;
        size_t start = i;
        char c = t[i];
        if (is_ident_start(c)) {
            while (i < t.size() && is_ident(t[i]))
                ++i;
            std::string_view id = t.substr(start, i - start);
            if (opt.cplusplus && at(i) == '"' && raw_prefix(id) && skip_raw()) {
                tok.kind = TokenKind::string;
            } else if ((at(i) == '"' || at(i) == '\'') && string_prefix(id)) {
                tok.kind = at(i) == '"' ? TokenKind::string : TokenKind::character;
                skip_quoted();
            } else {
                tok.kind = TokenKind::identifier;
                tok.hash = name_hash(id);
            }
        } else if (is_digit(c) || (c == '.' && is_digit(at(i + 1)))) {
            skip_number();
            tok.kind = TokenKind::number;
        } else if (c == '"' || c == '\'') {
            skip_quoted();
            tok.kind = c == '"' ? TokenKind::string : TokenKind::character;
        } else {
            tok.kind = TokenKind::punct;
            size_t len = 1;
            for (auto p : k_puncts)
                if (t.substr(i, p.size()) == p) {
                    len = p.size();
                    break;
                }
            i += len;
            tok.text = std::string(t.substr(start, len));
            for (size_t d = 0; d < k_digraphs_from.size(); ++d)
                if (tok.text == k_digraphs_from[d]) tok.text = std::string(k_digraphs_to[d]);
            return true;
        }
        tok.text = std::string(t.substr(start, i - start));
        return true;
    }

    // `<a.h>` or `"a.h"` after #include: a header name, where a backslash is no escape.
    bool header_name(Token& tok) {
        tok.space_before = skip_blanks();
        char open = at(i);
        if (open != '<' && open != '"') return false;
        char close = open == '<' ? '>' : '"';
        size_t end = i + 1;
        while (end < t.size() && t[end] != close && t[end] != '\n')
            ++end;
        if (at(end) != close) return false;
        tok.kind = open == '<' ? TokenKind::header_name : TokenKind::string;
        tok.text = std::string(t.substr(i, end + 1 - i));
        i = end + 1;
        return true;
    }

    std::vector<Token> rest_of_line() {
        std::vector<Token> tokens;
        Token tok;
        while (next_token(tok))
            tokens.push_back(std::move(tok));
        return tokens;
    }
};

DirectiveKind kind_of(std::string_view name) {
    struct Entry {
        std::string_view name;
        DirectiveKind kind;
    };
    static constexpr Entry k_kinds[] = {
        {"include", DirectiveKind::include},   {"include_next", DirectiveKind::include_next},
        {"import", DirectiveKind::import},     {"define", DirectiveKind::define},
        {"undef", DirectiveKind::undef},       {"if", DirectiveKind::if_},
        {"ifdef", DirectiveKind::ifdef},       {"ifndef", DirectiveKind::ifndef},
        {"elif", DirectiveKind::elif},         {"elifdef", DirectiveKind::elifdef},
        {"elifndef", DirectiveKind::elifndef}, {"else", DirectiveKind::else_},
        {"endif", DirectiveKind::endif},       {"pragma", DirectiveKind::pragma},
    };
    for (const auto& e : k_kinds)
        if (e.name == name) return e.kind;
    return DirectiveKind::other;
}

bool pragma_matters(std::string_view literal) {
    // The words of the pragma, from the literal's text (quotes and escapes do not matter).
    std::vector<std::string_view> words;
    for (size_t p = 0; p < literal.size() && words.size() < 2;) {
        if (is_ident_start(literal[p]) && (p == 0 || !is_ident(literal[p - 1]))) {
            size_t e = p;
            while (e < literal.size() && is_ident(literal[e]))
                ++e;
            std::string_view w = literal.substr(p, e - p);
            if (!(words.empty() && (w == "L" || w == "u8" || w == "u" || w == "U")))
                words.push_back(w);
            p = e;
        } else {
            ++p;
        }
    }
    if (words.empty()) return false;
    if (words[0] == "once" || words[0] == "push_macro" || words[0] == "pop_macro" ||
        words[0] == "include_alias")
        return true;
    return words.size() > 1 && words[0] == "GCC" && words[1] == "dependency";
}

// `_Pragma ( literal )` from the tokens after `_Pragma`; records it if it can matter.
void check_pragma_operator(const std::vector<Token>& after, uint32_t line, LexedFile& out) {
    if (after.size() >= 3 && after[0].text == "(" && after[1].kind == TokenKind::string &&
        after[2].text == ")") {
        if (pragma_matters(after[1].text)) out.pragma_operators.push_back({line, after[1].text});
        return;
    }
    out.pragma_operators.push_back({line, {}});
}

void pragmas_in_tokens(const std::vector<Token>& tokens, uint32_t line, LexedFile& out) {
    for (size_t k = 0; k < tokens.size(); ++k)
        if (tokens[k].kind == TokenKind::identifier && tokens[k].text == "_Pragma")
            check_pragma_operator({tokens.begin() + static_cast<long>(k) + 1, tokens.end()}, line,
                                  out);
}

} // namespace

std::shared_ptr<const Macro> parse_define(const std::vector<Token>& tokens) {
    if (tokens.empty() || tokens[0].kind != TokenKind::identifier) return nullptr;
    auto macro = std::make_shared<Macro>();
    size_t i = 1;
    // Function-like only when `(` follows the name with no blank between.
    if (tokens.size() > 1 && tokens[1].text == "(" && !tokens[1].space_before) {
        macro->function_like = true;
        for (i = 2; i < tokens.size() && tokens[i].text != ")"; ++i) {
            const Token& t = tokens[i];
            if (t.text == ",") continue;
            if (t.text == "...") {
                macro->variadic = true;
                if (macro->params.empty() || tokens[i - 1].text == ",")
                    macro->params.push_back("__VA_ARGS__");
            } else if (t.kind == TokenKind::identifier) {
                macro->params.push_back(t.text);
            } else {
                return nullptr;
            }
        }
        if (i >= tokens.size()) return nullptr;
        ++i;
    }
    macro->body.assign(tokens.begin() + static_cast<long>(i), tokens.end());
    if (!macro->body.empty()) macro->body.front().space_before = false;
    return macro;
}

LexedFile lex_directives(std::string_view content, const LexOptions& options) {
    Clean c = clean(content, options.trigraphs);
    LineCounter lines(c);
    Scanner s(c.text, options);
    LexedFile out;
    const std::string_view t = c.text;
    bool line_start = true;
    while (s.i < t.size()) {
        char ch = t[s.i];
        if (ch == '\n') {
            line_start = true;
            ++s.i;
        } else if (is_blank(ch)) {
            ++s.i;
        } else if (ch == '/' && s.at(s.i + 1) == '*') {
            s.skip_block_comment(); // a comment is a blank: `/* x */ #include` is a directive
        } else if (ch == '/' && s.at(s.i + 1) == '/') {
            s.skip_line_comment();
        } else if (line_start && (ch == '#' || (ch == '%' && s.at(s.i + 1) == ':'))) {
            uint32_t line = lines.at(s.i);
            s.i += ch == '#' ? 1 : 2;
            Token name;
            if (!s.next_token(name)) continue; // the null directive
            Directive d;
            d.line = line;
            d.kind = name.kind == TokenKind::identifier ? kind_of(name.text) : DirectiveKind::other;
            if (d.kind == DirectiveKind::include || d.kind == DirectiveKind::include_next ||
                d.kind == DirectiveKind::import) {
                Token header;
                size_t before = s.i;
                if (s.header_name(header))
                    d.tokens.push_back(std::move(header));
                else
                    s.i = before;
            }
            for (auto& tok : s.rest_of_line())
                d.tokens.push_back(std::move(tok));
            pragmas_in_tokens(d.tokens, line, out);
            if (d.kind == DirectiveKind::define) d.macro = parse_define(d.tokens);
            out.directives.push_back(std::move(d));
        } else {
            line_start = false;
            size_t start = s.i;
            if (is_ident_start(ch)) {
                Token tok;
                s.next_token(tok); // literals with prefixes are consumed whole
                if (tok.kind == TokenKind::identifier && tok.text == "_Pragma") {
                    uint32_t line = lines.at(start);
                    std::vector<Token> after;
                    Token next;
                    // The operator's parts may sit on following lines, but a directive
                    // there is no part of it (`_Pragma` without its parenthesis).
                    while (after.size() < 3) {
                        size_t from = s.i;
                        while (s.i < t.size() && (t[s.i] == '\n' || is_blank(t[s.i])))
                            ++s.i;
                        bool crossed = t.substr(from, s.i - from).find('\n') != npos;
                        if (crossed &&
                            (s.at(s.i) == '#' || (s.at(s.i) == '%' && s.at(s.i + 1) == ':'))) {
                            s.i = from;
                            break;
                        }
                        if (!s.next_token(next)) break;
                        after.push_back(std::move(next));
                    }
                    check_pragma_operator(after, line, out);
                }
            } else if (is_digit(ch) || (ch == '.' && is_digit(s.at(s.i + 1)))) {
                s.skip_number();
            } else if (ch == '"' || ch == '\'') {
                s.skip_quoted();
            } else {
                ++s.i;
            }
        }
    }
    return out;
}

std::vector<Token> lex_line(std::string_view text, const LexOptions& options) {
    Clean c = clean(text, options.trigraphs);
    Scanner s(c.text, options);
    std::vector<Token> tokens;
    for (;;) {
        for (auto& tok : s.rest_of_line())
            tokens.push_back(std::move(tok));
        if (s.i >= c.text.size()) return tokens;
        ++s.i; // a newline: one more line of the same text
    }
}

} // namespace ferry::includes
