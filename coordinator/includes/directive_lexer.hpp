// From a file's bytes to its preprocessing directives, without running the preprocessor.
// Include analysis (analyser.hpp) needs only the directives of each header: their kind and
// the tokens of the rest of the line. Finding them right is the whole difficulty: a `#` is a
// directive only at the start of a logical line (after line splices, with comments counting
// as blanks), never inside a string, character or raw string literal, and `%:` (digraph) and
// `??=` (trigraph, only when the compile honours trigraphs) spell it too. The text between
// directives matters only for `_Pragma`, which can change what a compile includes
// (`once`, `push_macro`); its uses are reported.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::includes {

enum class TokenKind : uint8_t { identifier, number, string, character, header_name, punct, other };

// The hash every macro table and the walk's memo look a name up by: computed once, where a
// name is lexed (a header's directives are lexed once per build), rather than at each of the
// thousands of lookups a unit's walk makes of it (hashing names was a fifth of the walk's
// instructions, bench/include_walk).
inline size_t name_hash(std::string_view name) {
    return std::hash<std::string_view>{}(name);
}

struct Token {
    TokenKind kind = TokenKind::other;
    bool space_before = false; // blanks or a comment before it (spelling of computed includes)
    std::string text;          // digraphs are stored as what they mean (`%:` as `#`)
    size_t hash = 0;           // an identifier's name_hash(text) when lexed; 0: not computed
    bool operator==(const Token& other) const {
        return kind == other.kind && space_before == other.space_before && text == other.text;
    }
};

// A name with its hash: what macro tables are searched by. Made from a lexed token, it costs
// no hashing; from text, it hashes once.
struct NameRef {
    std::string_view text;
    size_t hash = 0;
    NameRef(std::string_view t, size_t h) : text(t), hash(h) {}
    NameRef(std::string_view t) : NameRef(t, name_hash(t)) {}
    NameRef(const std::string& t) : NameRef(std::string_view(t)) {}
    NameRef(const char* t) : NameRef(std::string_view(t)) {}
    NameRef(const Token& t) : NameRef(t.text, t.hash ? t.hash : name_hash(t.text)) {}
};

enum class DirectiveKind : uint8_t {
    include,
    include_next,
    import, // gcc: an #include that is also #pragma once
    define,
    undef,
    if_,
    ifdef,
    ifndef,
    elif,
    elifdef,
    elifndef,
    else_,
    endif,
    pragma,
    other, // #line, #error, #ident, unknown names: no effect on what is included
};

// What a `#define` defines, parsed once per lexed directive and shared by every macro table
// that defines it: a header's definitions are applied by every unit that includes it, and
// copying their tokens for each unit (then freeing them) took about a quarter of the
// coordinator's CPU over OpenSSL's units (bench/farm, --profile).
struct Macro {
    bool function_like = false;
    bool variadic = false; // the last parameter is __VA_ARGS__ (or `name...`)
    std::vector<std::string> params;
    std::vector<Token> body;
};

// `tokens`: what follows `#define`, the macro's name first. Null if the name is missing or
// the parameter list is malformed (the directive then defines nothing).
std::shared_ptr<const Macro> parse_define(const std::vector<Token>& tokens);

struct Directive {
    DirectiveKind kind = DirectiveKind::other;
    uint32_t line = 0;         // physical line of the `#`, from 1
    std::vector<Token> tokens; // after the directive name; `<a.h>` of an include is one token
    std::shared_ptr<const Macro> macro; // a well-formed #define's, named by tokens[0]
};

// A `_Pragma` operator that can change what is included: its argument names `once`,
// `push_macro`, `pop_macro` or `dependency`, or is not a string literal (`_Pragma(#x)` in a
// macro body: what it says is known only where the macro is used).
struct PragmaOperator {
    uint32_t line = 0;
    std::string argument; // the literal as written; empty when it is not a literal
};

struct LexedFile {
    std::vector<Directive> directives;
    std::vector<PragmaOperator> pragma_operators;
};

struct LexOptions {
    bool cplusplus = false; // raw string literals, digit separators
    bool trigraphs = false; // -trigraphs, or a strict ISO -std (c89, c99, c11, c++98...)
    bool operator==(const LexOptions&) const = default;
};

LexedFile lex_directives(std::string_view content, const LexOptions& options);

// Tokens of one line of text (a -D value, a predefined macro); same rules as a directive's.
std::vector<Token> lex_line(std::string_view text, const LexOptions& options);

} // namespace ferry::includes
