#include "coordinator/includes/expression.hpp"

#include <cctype>
#include <cstdint>
#include <optional>

namespace ferry::includes {
namespace {

struct Value {
    bool known = true;
    bool is_unsigned = false;
    uint64_t bits = 0;

    static Value unknown() { return {false, false, 0}; }
    static Value of(bool b) { return {true, false, b ? 1u : 0u}; }
    int64_t as_signed() const { return static_cast<int64_t>(bits); }
    bool truthy() const { return bits != 0; }
};

std::optional<Value> parse_number(const std::string& text) {
    std::string digits;
    for (char c : text)
        if (c != '\'') digits += c;
    size_t end = 0;
    int base = 10;
    size_t start = 0;
    if (digits.size() > 1 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        start = 2;
    } else if (digits.size() > 1 && digits[0] == '0' && (digits[1] == 'b' || digits[1] == 'B')) {
        base = 2;
        start = 2;
    } else if (digits.size() > 1 && digits[0] == '0') {
        base = 8;
        start = 1;
    }
    uint64_t v = 0;
    for (end = start; end < digits.size(); ++end) {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[end])));
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 99;
        if (d >= base) break;
        v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    }
    if (end == start && base != 8) return std::nullopt;
    Value out{true, false, v};
    for (; end < digits.size(); ++end) {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[end])));
        if (c == 'u')
            out.is_unsigned = true;
        else if (c != 'l')
            return std::nullopt; // a floating constant or a suffix we do not know
    }
    return out;
}

std::optional<Value> parse_char(const std::string& text) {
    size_t q = text.find('\'');
    if (q == std::string::npos || text.size() < q + 3 || text.back() != '\'') return std::nullopt;
    std::string body = text.substr(q + 1, text.size() - q - 2);
    if (body.size() == 1) return Value{true, false, static_cast<unsigned char>(body[0])};
    if (body.size() == 2 && body[0] == '\\') {
        switch (body[1]) {
        case 'n':
            return Value{true, false, '\n'};
        case 't':
            return Value{true, false, '\t'};
        case '0':
            return Value{true, false, 0};
        case '\\':
            return Value{true, false, '\\'};
        case '\'':
            return Value{true, false, '\''};
        default:
            return std::nullopt;
        }
    }
    return std::nullopt;
}

const char* alternative(const std::string& id) {
    if (id == "and") return "&&";
    if (id == "or") return "||";
    if (id == "not") return "!";
    if (id == "bitand") return "&";
    if (id == "bitor") return "|";
    if (id == "xor") return "^";
    if (id == "compl") return "~";
    if (id == "not_eq") return "!=";
    return nullptr;
}

class Parser {
  public:
    Parser(const std::vector<Token>& toks, const EvalContext& ctx) : m_t(toks), m_ctx(ctx) {}

    std::optional<Value> run() {
        Value v = conditional();
        if (m_failed || m_pos != m_t.size()) return std::nullopt;
        return v;
    }

  private:
    const std::vector<Token>& m_t;
    const EvalContext& m_ctx;
    size_t m_pos = 0;
    bool m_failed = false;

    const std::string& peek() const {
        static const std::string k_end;
        return m_pos < m_t.size() ? m_t[m_pos].text : k_end;
    }
    bool accept(const char* op) {
        if (m_pos < m_t.size() && m_t[m_pos].kind == TokenKind::punct && m_t[m_pos].text == op) {
            ++m_pos;
            return true;
        }
        return false;
    }
    Value fail() {
        m_failed = true;
        return Value::unknown();
    }

    // Skips a parenthesised group (the arguments of a built-in we cannot answer).
    bool skip_group() {
        if (!accept("(")) return false;
        for (int depth = 1; m_pos < m_t.size(); ++m_pos) {
            if (m_t[m_pos].text == "(") ++depth;
            if (m_t[m_pos].text == ")" && --depth == 0) {
                ++m_pos;
                return true;
            }
        }
        return false;
    }

    Value has_include(bool next) {
        size_t open = m_pos;
        if (!skip_group()) return fail();
        std::vector<Token> inner(m_t.begin() + static_cast<long>(open) + 1,
                                 m_t.begin() + static_cast<long>(m_pos) - 1);
        HeaderQuery q;
        q.next = next;
        if (!header_from_tokens(inner, q.name, q.angled)) {
            // A macro argument: expand it and try again.
            auto expanded = m_ctx.macros ? m_ctx.macros->expand(inner, false) : Expansion{inner};
            if (expanded.incomplete || expanded.uncertain ||
                !header_from_tokens(expanded.tokens, q.name, q.angled))
                return Value::unknown();
        }
        if (!m_ctx.has_include) return Value::unknown();
        Tri r = m_ctx.has_include(q);
        return r == Tri::unknown ? Value::unknown() : Value::of(r == Tri::yes);
    }

    Value primary() {
        if (m_pos >= m_t.size()) return fail();
        const Token& t = m_t[m_pos];
        if (accept("(")) {
            Value v = conditional();
            if (!accept(")")) return fail();
            return v;
        }
        if (t.kind == TokenKind::number) {
            ++m_pos;
            auto v = parse_number(t.text);
            return v ? *v : Value::unknown();
        }
        if (t.kind == TokenKind::character) {
            ++m_pos;
            auto v = parse_char(t.text);
            return v ? *v : Value::unknown();
        }
        if (t.kind != TokenKind::identifier) return fail();
        ++m_pos;
        if (t.text == "defined") {
            bool paren = accept("(");
            if (m_pos >= m_t.size() || m_t[m_pos].kind != TokenKind::identifier) return fail();
            const Token& name = m_t[m_pos++];
            if (paren && !accept(")")) return fail();
            MacroState s = m_ctx.macros ? m_ctx.macros->state(name) : MacroState::unknown;
            return s == MacroState::unknown ? Value::unknown()
                                            : Value::of(s == MacroState::defined);
        }
        if (t.text == "__has_include") return has_include(false);
        if (t.text == "__has_include_next") return has_include(true);
        if (m_ctx.cplusplus && (t.text == "true" || t.text == "false"))
            return Value::of(t.text == "true");
        // Any other name followed by `(` is a built-in query (__has_builtin(x),
        // __has_cpp_attribute(x)...) or a function-like macro we cannot call: unknown.
        if (peek() == "(") {
            if (!skip_group()) return fail();
            return Value::unknown();
        }
        // __has_feature and friends as bare names, or any identifier left after expansion:
        // 0 by the standard, but a built-in we do not model answers otherwise.
        if (t.text.rfind("__has_", 0) == 0 || t.text.rfind("__is_", 0) == 0 ||
            t.text == "__LINE__" || t.text == "__COUNTER__" || t.text == "__INCLUDE_LEVEL__")
            return Value::unknown();
        return Value::of(false);
    }

    Value unary() {
        if (accept("!")) {
            Value v = unary();
            return v.known ? Value::of(!v.truthy()) : v;
        }
        if (accept("-")) {
            Value v = unary();
            v.bits = ~v.bits + 1;
            return v;
        }
        if (accept("+")) return unary();
        if (accept("~")) {
            Value v = unary();
            v.bits = ~v.bits;
            return v;
        }
        return primary();
    }

    static int precedence(const std::string& op) {
        if (op == "*" || op == "/" || op == "%") return 10;
        if (op == "+" || op == "-") return 9;
        if (op == "<<" || op == ">>") return 8;
        if (op == "<" || op == ">" || op == "<=" || op == ">=") return 7;
        if (op == "==" || op == "!=") return 6;
        if (op == "&") return 5;
        if (op == "^") return 4;
        if (op == "|") return 3;
        if (op == "&&") return 2;
        if (op == "||") return 1;
        return 0;
    }

    static Value apply(const std::string& op, Value a, Value b) {
        if (op == "&&") {
            if ((a.known && !a.truthy()) || (b.known && !b.truthy())) return Value::of(false);
            if (!a.known || !b.known) return Value::unknown();
            return Value::of(true);
        }
        if (op == "||") {
            if ((a.known && a.truthy()) || (b.known && b.truthy())) return Value::of(true);
            if (!a.known || !b.known) return Value::unknown();
            return Value::of(false);
        }
        if (!a.known || !b.known) return Value::unknown();
        bool uns = a.is_unsigned || b.is_unsigned;
        Value r{true, uns, 0};
        auto cmp = [&](auto f) {
            return Value::of(uns ? f(a.bits, b.bits) : f(a.as_signed(), b.as_signed()));
        };
        if (op == "*")
            r.bits = a.bits * b.bits;
        else if (op == "+")
            r.bits = a.bits + b.bits;
        else if (op == "-")
            r.bits = a.bits - b.bits;
        else if (op == "/" || op == "%") {
            if (b.bits == 0) return Value::unknown(); // an error for the compiler
            if (uns)
                r.bits = op == "/" ? a.bits / b.bits : a.bits % b.bits;
            else if (a.as_signed() == INT64_MIN && b.as_signed() == -1)
                return Value::unknown();
            else
                r.bits = static_cast<uint64_t>(op == "/" ? a.as_signed() / b.as_signed()
                                                         : a.as_signed() % b.as_signed());
        } else if (op == "<<" || op == ">>") {
            if (b.bits >= 64) return Value::unknown();
            r.is_unsigned = a.is_unsigned;
            if (op == "<<")
                r.bits = a.bits << b.bits;
            else
                r.bits = a.is_unsigned ? a.bits >> b.bits
                                       : static_cast<uint64_t>(a.as_signed() >> b.bits);
        } else if (op == "<")
            return cmp([](auto x, auto y) { return x < y; });
        else if (op == ">")
            return cmp([](auto x, auto y) { return x > y; });
        else if (op == "<=")
            return cmp([](auto x, auto y) { return x <= y; });
        else if (op == ">=")
            return cmp([](auto x, auto y) { return x >= y; });
        else if (op == "==")
            return Value::of(a.bits == b.bits);
        else if (op == "!=")
            return Value::of(a.bits != b.bits);
        else if (op == "&")
            r.bits = a.bits & b.bits;
        else if (op == "^")
            r.bits = a.bits ^ b.bits;
        else if (op == "|")
            r.bits = a.bits | b.bits;
        return r;
    }

    Value binary(int min_prec) {
        Value lhs = unary();
        for (;;) {
            if (m_pos >= m_t.size() || m_t[m_pos].kind != TokenKind::punct) return lhs;
            std::string op = m_t[m_pos].text;
            int prec = precedence(op);
            if (prec == 0 || prec < min_prec) return lhs;
            ++m_pos;
            Value rhs = binary(prec + 1);
            lhs = apply(op, lhs, rhs);
        }
    }

    Value conditional() {
        Value c = binary(1);
        if (!accept("?")) {
            if (accept(",")) return conditional(); // the comma operator: the right side
            return c;
        }
        Value a = conditional();
        if (!accept(":")) return fail();
        Value b = conditional();
        if (c.known) return c.truthy() ? a : b;
        if (a.known && b.known && a.bits == b.bits) return a;
        return Value::unknown();
    }
};

} // namespace

bool header_from_tokens(const std::vector<Token>& tokens, std::string& name, bool& angled) {
    if (tokens.empty()) return false;
    const Token& first = tokens[0];
    if (first.kind == TokenKind::header_name && first.text.size() >= 2) {
        name = first.text.substr(1, first.text.size() - 2);
        angled = true;
        return tokens.size() == 1;
    }
    if (first.kind == TokenKind::string && first.text.size() >= 2 && first.text[0] == '"') {
        name = first.text.substr(1, first.text.size() - 2);
        angled = false;
        return tokens.size() == 1;
    }
    if (first.text != "<") return false;
    std::string spelled;
    for (size_t k = 1; k < tokens.size(); ++k) {
        if (tokens[k].text == ">") {
            name = spelled;
            angled = true;
            return k + 1 == tokens.size() && !name.empty();
        }
        if (k > 1 && tokens[k].space_before) spelled += ' ';
        spelled += tokens[k].text;
    }
    return false;
}

Tri evaluate(const std::vector<Token>& condition, const EvalContext& context) {
    Expansion e = context.macros ? context.macros->expand(condition, true) : Expansion{condition};
    if (e.incomplete || e.tokens.empty()) return Tri::unknown;
    if (context.cplusplus)
        for (auto& t : e.tokens)
            if (t.kind == TokenKind::identifier)
                if (const char* op = alternative(t.text)) {
                    t.text = op;
                    t.kind = TokenKind::punct;
                }
    auto v = Parser(e.tokens, context).run();
    if (!v || !v->known) return Tri::unknown;
    // A macro defined under an unknown condition took part: its value is a guess.
    if (e.uncertain) return Tri::unknown;
    return v->truthy() ? Tri::yes : Tri::no;
}

} // namespace ferry::includes
