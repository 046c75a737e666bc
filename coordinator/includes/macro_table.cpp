#include "coordinator/includes/macro_table.hpp"

#include "util/assert.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <utility>

namespace ferry::includes {

MacroTable::MacroTable(std::shared_ptr<const MacroTable> base) : m_base(std::move(base)) {}

MacroTable::MacroTable(std::shared_ptr<const MacroTable> base, std::pmr::memory_resource* arena)
    : m_text(arena), m_macros(arena), m_base(std::move(base)) {}

MacroTable::Name MacroTable::keep(NameRef name) {
    auto* text = static_cast<char*>(m_text->allocate(std::max<size_t>(name.text.size(), 1), 1));
    std::memcpy(text, name.text.data(), name.text.size());
    return {std::string_view(text, name.text.size()), name.hash};
}

void MacroTable::set_base(std::shared_ptr<const MacroTable> base) {
    FERRY_ASSERT(m_macros.empty() && m_pushed.empty(), "a base under a table with entries");
    m_base = std::move(base);
}

bool MacroValue::operator==(const MacroValue& other) const {
    if (present != other.present || defined != other.defined || uncertain != other.uncertain)
        return false;
    if (macro == other.macro) return true;
    // The same definition lexed from two files (the predefined macros of two command-line
    // shapes): the same answers.
    if (!macro || !other.macro) return false;
    return macro->function_like == other.macro->function_like &&
           macro->variadic == other.macro->variadic && macro->params == other.macro->params &&
           macro->body == other.macro->body;
}

const MacroTable::Slot* MacroTable::lookup(NameRef name) const {
    if (auto it = m_macros.find(name); it != m_macros.end())
        return it->second.defined || it->second.uncertain ? &*it : nullptr;
    return m_base ? m_base->lookup(name) : nullptr;
}

const MacroTable::Slot* MacroTable::find(NameRef name) const {
    if (m_observer) m_observer->read(name);
    return lookup(name);
}

MacroValue MacroTable::value(NameRef name) const {
    const Slot* slot = lookup(name);
    if (!slot) return {};
    return {slot->second.macro, true, slot->second.defined, slot->second.uncertain};
}

bool MacroTable::holds(NameRef name, const MacroValue& value) const {
    const Slot* slot = lookup(name);
    if (!slot) return !value.present;
    const Entry& e = slot->second;
    if (!value.present || e.defined != value.defined || e.uncertain != value.uncertain)
        return false;
    return e.macro == value.macro || value == MacroValue{e.macro, true, e.defined, e.uncertain};
}

void MacroTable::restore(NameRef name, const MacroValue& value) {
    MacroObserver* observer = std::exchange(m_observer, nullptr);
    if (value.present)
        assign(name, Entry{value.macro, value.defined, value.uncertain});
    else
        remove(name);
    m_observer = observer;
}

void MacroTable::remove(NameRef name) {
    if (m_observer) m_observer->wrote(name);
    if (m_base && m_base->lookup(name))
        assign(name, Entry{}); // hides the base's
    else if (auto it = m_macros.find(name); it != m_macros.end())
        m_macros.erase(it);
}

void MacroTable::insert(NameRef name, const Macro* macro, bool uncertain) {
    // Under an undecided condition the new definition may or may not be in effect; in a
    // decided group it is, whatever came before.
    assign(name, Entry{macro, true, uncertain});
}

void MacroTable::assign(NameRef name, Entry entry) {
    if (m_observer) m_observer->wrote(name);
    // A name already here (a header's guard, a macro defined again) is found by the hash it
    // carries; only a new name is copied (into the arena, when the table has one), and its
    // key keeps that hash.
    if (auto it = m_macros.find(name); it != m_macros.end()) {
        it->second = std::move(entry);
        return;
    }
    m_macros.emplace(keep(name), std::move(entry));
}

bool MacroTable::define(const std::vector<Token>& tokens, bool uncertain) {
    auto macro = parse_define(tokens);
    if (!macro) return false;
    insert(tokens[0], macro.get(), uncertain);
    m_owned.push_back(std::move(macro));
    return true;
}

bool MacroTable::define(const Directive& directive, bool uncertain) {
    if (!directive.macro) return false;
    insert(directive.tokens[0], directive.macro.get(), uncertain);
    return true;
}

void MacroTable::undef(NameRef name, bool uncertain) {
    if (!uncertain) {
        remove(name);
        return;
    }
    // What it leaves depends on what was there: a read, then a write.
    if (m_observer) {
        m_observer->read(name);
        m_observer->wrote(name);
    }
    auto it = m_macros.find(name);
    if (it == m_macros.end()) {
        const Slot* base = m_base ? m_base->lookup(name) : nullptr;
        it = m_macros.emplace(keep(name), base ? base->second : Entry{}).first;
    }
    it->second.uncertain = true; // keeps the definition, if any: it may still be in effect
}

namespace {

// Names the compiler defines without listing them in `-dM` output: `#ifdef __has_include`
// guards glibc's optional headers, so getting it wrong hides files.
MacroState builtin_state(std::string_view name) {
    static const std::string_view k_defined[] = {
        "__has_include",     "__has_include_next", "__FILE__", "__LINE__", "__COUNTER__",
        "__INCLUDE_LEVEL__", "__BASE_FILE__",      "__DATE__", "__TIME__", "__TIMESTAMP__"};
    for (auto d : k_defined)
        if (name == d) return MacroState::defined;
    // __has_builtin, __has_attribute, __has_feature, __FILE_NAME__...: depends on the
    // compiler and its version.
    if (name.rfind("__has_", 0) == 0 || name.rfind("__is_", 0) == 0 || name == "__FILE_NAME__")
        return MacroState::unknown;
    return MacroState::undefined;
}

} // namespace

MacroState MacroTable::state(NameRef name) const {
    const Slot* slot = find(name);
    if (!slot) return builtin_state(name.text);
    if (slot->second.uncertain) return MacroState::unknown;
    return slot->second.defined ? MacroState::defined : MacroState::undefined;
}

const Macro* MacroTable::definition(NameRef name) const {
    const Slot* slot = find(name);
    return slot && slot->second.defined ? slot->second.macro : nullptr;
}

void MacroTable::push(const std::string& name) {
    if (m_observer) m_observer->unsupported();
    Saved saved;
    if (const Slot* slot = find(name)) {
        saved.present = true;
        saved.entry = slot->second;
    }
    m_pushed[name].push_back(std::move(saved));
}

void MacroTable::pop(const std::string& name) {
    if (m_observer) m_observer->unsupported();
    auto it = m_pushed.find(name);
    if (it == m_pushed.end() || it->second.empty()) return;
    Saved saved = std::move(it->second.back());
    it->second.pop_back();
    if (saved.present)
        assign(name, std::move(saved.entry));
    else
        remove(name);
}

// Rescanning with per-token hide sets (the names a token came out of), so `#define X X` or
// mutual recursion stops as the preprocessor stops it.
class Expander {
  public:
    struct XTok {
        Token tok;
        std::vector<const MacroTable::Name*> hide;
    };

    Expander(const MacroTable& table, bool in_if) : m_table(table), m_in_if(in_if) {}

    Expansion run(const std::vector<Token>& tokens) {
        std::vector<XTok> toks;
        toks.reserve(tokens.size());
        for (const auto& t : tokens)
            toks.push_back({t, {}});
        expand(toks);
        m_table.m_expansion_work += static_cast<uint64_t>(m_steps) + m_moved;
        Expansion out;
        out.uncertain = m_uncertain;
        out.incomplete = m_incomplete;
        for (auto& x : toks)
            out.tokens.push_back(std::move(x.tok));
        return out;
    }

  private:
    static constexpr int k_max_steps = 20000;
    const MacroTable& m_table;
    bool m_in_if;
    bool m_uncertain = false;
    bool m_incomplete = false;
    int m_steps = 0;
    uint64_t m_moved = 0; // tokens substitutions copied and shifted: a step's real cost

    static bool hidden(const XTok& x, const std::string& name) {
        return std::any_of(x.hide.begin(), x.hide.end(),
                           [&](const MacroTable::Name* h) { return h->text == name; });
    }

    // Index past a balanced parenthesis group starting at `open`; npos if unbalanced.
    static size_t close_of(const std::vector<XTok>& toks, size_t open) {
        int depth = 0;
        for (size_t k = open; k < toks.size(); ++k) {
            if (toks[k].tok.text == "(") ++depth;
            if (toks[k].tok.text == ")" && --depth == 0) return k + 1;
        }
        return std::string::npos;
    }

    void expand(std::vector<XTok>& toks) {
        size_t i = 0;
        while (i < toks.size()) {
            if (++m_steps > k_max_steps) {
                m_incomplete = true;
                return;
            }
            const Token& t = toks[i].tok;
            if (t.kind != TokenKind::identifier) {
                ++i;
                continue;
            }
            if (m_in_if && t.text == "defined") {
                ++i;
                if (i < toks.size() && toks[i].tok.text == "(")
                    i = std::min(toks.size(), i + 3);
                else
                    ++i;
                continue;
            }
            if (m_in_if && (t.text == "__has_include" || t.text == "__has_include_next")) {
                size_t end = i + 1 < toks.size() && toks[i + 1].tok.text == "("
                                 ? close_of(toks, i + 1)
                                 : std::string::npos;
                i = end == std::string::npos ? toks.size() : end;
                continue;
            }
            const MacroTable::Slot* it = m_table.find(t);
            if (!it || hidden(toks[i], t.text)) {
                ++i;
                continue;
            }
            if (it->second.uncertain) m_uncertain = true;
            if (!it->second.defined) {
                ++i;
                continue;
            }
            const Macro& m = *it->second.macro;
            std::vector<const MacroTable::Name*> hide = toks[i].hide;
            hide.push_back(&it->first);
            bool space = t.space_before;
            if (!m.function_like) {
                auto body = substitute(m, {}, hide);
                if (!body.empty()) body.front().tok.space_before = space;
                m_moved += body.size() + (toks.size() - i);
                toks.erase(toks.begin() + static_cast<long>(i));
                toks.insert(toks.begin() + static_cast<long>(i), body.begin(), body.end());
                continue;
            }
            if (i + 1 >= toks.size() || toks[i + 1].tok.text != "(") {
                ++i; // a function-like name without a call is just a name
                continue;
            }
            size_t end = close_of(toks, i + 1);
            if (end == std::string::npos) {
                m_incomplete = true;
                return;
            }
            auto args = split_args(toks, i + 2, end - 1, m);
            auto body = substitute(m, args, hide);
            if (!body.empty()) body.front().tok.space_before = space;
            m_moved += body.size() + (toks.size() - i);
            toks.erase(toks.begin() + static_cast<long>(i), toks.begin() + static_cast<long>(end));
            toks.insert(toks.begin() + static_cast<long>(i), body.begin(), body.end());
        }
    }

    static std::vector<std::vector<XTok>> split_args(const std::vector<XTok>& toks, size_t from,
                                                     size_t to, const Macro& m) {
        std::vector<std::vector<XTok>> args(1);
        int depth = 0;
        for (size_t k = from; k < to; ++k) {
            const auto& text = toks[k].tok.text;
            if (text == "(") ++depth;
            if (text == ")") --depth;
            if (text == "," && depth == 0 && !(m.variadic && args.size() == m.params.size())) {
                args.emplace_back();
                continue;
            }
            args.back().push_back(toks[k]);
        }
        return args;
    }

    static Token stringify(const std::vector<XTok>& arg) {
        std::string s = "\"";
        for (size_t k = 0; k < arg.size(); ++k) {
            if (k > 0 && arg[k].tok.space_before) s += ' ';
            const auto& text = arg[k].tok.text;
            bool literal =
                arg[k].tok.kind == TokenKind::string || arg[k].tok.kind == TokenKind::character;
            for (char c : text) {
                if (literal && (c == '"' || c == '\\')) s += '\\';
                s += c;
            }
        }
        s += '"';
        return {TokenKind::string, false, std::move(s)};
    }

    static TokenKind kind_of_text(const std::string& text) {
        if (text.empty()) return TokenKind::other;
        auto c = static_cast<unsigned char>(text[0]);
        if (std::isalpha(c) || c == '_') {
            bool ident = std::all_of(text.begin(), text.end(), [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
            });
            return ident ? TokenKind::identifier : TokenKind::other;
        }
        if (std::isdigit(c)) return TokenKind::number;
        return TokenKind::punct;
    }

    std::vector<XTok> substitute(const Macro& m, const std::vector<std::vector<XTok>>& args,
                                 const std::vector<const MacroTable::Name*>& hide) {
        auto param_index = [&](const Token& t) -> int {
            if (t.kind != TokenKind::identifier) return -1;
            for (size_t p = 0; p < m.params.size(); ++p)
                if (m.params[p] == t.text) return p < args.size() ? static_cast<int>(p) : -2;
            return -1;
        };
        const bool va_empty =
            !m.variadic || args.size() < m.params.size() || args[m.params.size() - 1].empty();
        std::vector<XTok> out;
        std::vector<bool> raw; // tokens that must not be pasted as expanded
        const auto& body = m.body;
        for (size_t k = 0; k < body.size(); ++k) {
            const Token& b = body[k];
            if (b.text == "__VA_OPT__" && k + 1 < body.size() && body[k + 1].text == "(") {
                // Keep the group's contents when the variable arguments are not empty.
                int depth = 0;
                size_t e = k + 1;
                for (; e < body.size(); ++e) {
                    if (body[e].text == "(") ++depth;
                    if (body[e].text == ")" && --depth == 0) break;
                }
                if (va_empty) {
                    k = e;
                    continue;
                }
                // Drop `__VA_OPT__ (` and its `)`: the contents are substituted as usual.
                std::vector<Token> inner(body.begin() + static_cast<long>(k) + 2,
                                         body.begin() +
                                             static_cast<long>(std::min(e, body.size())));
                Macro sub{m.function_like, m.variadic, m.params, std::move(inner)};
                auto part = substitute(sub, args, hide);
                out.insert(out.end(), part.begin(), part.end());
                k = e;
                continue;
            }
            if (m.function_like && b.text == "#" && k + 1 < body.size()) {
                int p = param_index(body[k + 1]);
                if (p >= 0) {
                    Token s = stringify(args[static_cast<size_t>(p)]);
                    s.space_before = b.space_before;
                    out.push_back({std::move(s), hide});
                    ++k;
                    continue;
                }
            }
            int p = param_index(b);
            if (p == -2) continue; // a missing argument is empty
            if (p >= 0) {
                bool pasted = (k > 0 && body[k - 1].text == "##") ||
                              (k + 1 < body.size() && body[k + 1].text == "##");
                std::vector<XTok> arg = args[static_cast<size_t>(p)];
                if (!pasted) expand(arg);
                if (!arg.empty()) arg.front().tok.space_before = b.space_before;
                for (auto& x : arg) {
                    x.hide.insert(x.hide.end(), hide.begin(), hide.end());
                    out.push_back(std::move(x));
                }
                continue;
            }
            out.push_back({b, hide});
        }
        // Token pasting, left to right.
        for (size_t k = 0; k < out.size();) {
            if (out[k].tok.text != "##" || out[k].tok.kind != TokenKind::punct) {
                ++k;
                continue;
            }
            if (k == 0 || k + 1 >= out.size()) {
                out.erase(out.begin() + static_cast<long>(k));
                continue;
            }
            out[k - 1].tok.text += out[k + 1].tok.text;
            out[k - 1].tok.kind = kind_of_text(out[k - 1].tok.text);
            out[k - 1].tok.hash = 0; // a new name: hashed when looked up
            out.erase(out.begin() + static_cast<long>(k), out.begin() + static_cast<long>(k) + 2);
        }
        return out;
    }
};

Expansion MacroTable::expand(const std::vector<Token>& tokens, bool in_if) const {
    return Expander(*this, in_if).run(tokens);
}

} // namespace ferry::includes
