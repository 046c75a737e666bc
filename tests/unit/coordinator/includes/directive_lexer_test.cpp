#include "coordinator/includes/directive_cache.hpp"
#include "coordinator/includes/directive_lexer.hpp"

#include <doctest/doctest.h>

using namespace ferry::includes;

namespace {

LexOptions c_mode() {
    return {};
}
LexOptions cxx_mode() {
    LexOptions o;
    o.cplusplus = true;
    return o;
}

// "kind:first-token" of each directive, e.g. "include:<a.h>".
std::vector<std::string> summary(const LexedFile& f) {
    std::vector<std::string> out;
    for (const auto& d : f.directives) {
        std::string s = std::to_string(static_cast<int>(d.kind)) + ":";
        for (const auto& t : d.tokens)
            s += (t.space_before && s.back() != ':' ? " " : "") + t.text;
        out.push_back(s);
    }
    return out;
}

std::string k(DirectiveKind kind, const std::string& rest) {
    return std::to_string(static_cast<int>(kind)) + ":" + rest;
}

} // namespace

TEST_CASE("include forms, spaces after the hash, the line numbers of the hash") {
    auto f = lex_directives("int x;\n#include <a.h>\n  #  include \"b.h\"\n#include_next <c/d.h>\n"
                            "#import \"e.h\"\n",
                            c_mode());
    CHECK(summary(f) == std::vector<std::string>{k(DirectiveKind::include, "<a.h>"),
                                                 k(DirectiveKind::include, "\"b.h\""),
                                                 k(DirectiveKind::include_next, "<c/d.h>"),
                                                 k(DirectiveKind::import, "\"e.h\"")});
    REQUIRE(f.directives.size() == 4);
    CHECK(f.directives[0].line == 2);
    CHECK(f.directives[1].line == 3);
    CHECK(f.directives[0].tokens[0].kind == TokenKind::header_name);
    CHECK(f.directives[1].tokens[0].kind == TokenKind::string);
}

TEST_CASE("line splices join a directive, inside its name too, and keep line numbers") {
    auto f =
        lex_directives("#inc\\\nlude <a\\\n.h>\n#define X \\\n  1 + \\  \n 2\n#if X\n", c_mode());
    CHECK(summary(f) == std::vector<std::string>{k(DirectiveKind::include, "<a.h>"),
                                                 k(DirectiveKind::define, "X 1 + 2"),
                                                 k(DirectiveKind::if_, "X")});
    REQUIRE(f.directives.size() == 3);
    CHECK(f.directives[1].line == 4);
    CHECK(f.directives[2].line == 7);
}

TEST_CASE("comments hide directives, and count as blanks before one") {
    auto f = lex_directives("/* #include <no1.h>\n#include <no2.h> */\n"
                            "// #include <no3.h> \\\n#include <no4.h>\n"
                            "/* a */ # /* b */ include <yes1.h> // tail\n"
                            "int a; /* x\n*/ #include <no5.h>\n"
                            "/*\n*/ #include <yes2.h>\n",
                            c_mode());
    CHECK(summary(f) == std::vector<std::string>{k(DirectiveKind::include, "<yes1.h>"),
                                                 k(DirectiveKind::include, "<yes2.h>")});
}

TEST_CASE("strings and character literals hide a hash; an unterminated quote ends at the line") {
    auto f = lex_directives("const char* s = \"\\\n#include <no1.h>\";\n"
                            "char c = '#'; const char* t = \"x\\\" #include <no2.h>\";\n"
                            "#if 0\ndon't\n#endif\n#include <yes.h>\n"
                            "#error it's not \"closed\n#define Q 1\n",
                            c_mode());
    CHECK(summary(f) == std::vector<std::string>{k(DirectiveKind::if_, "0"),
                                                 k(DirectiveKind::endif, ""),
                                                 k(DirectiveKind::include, "<yes.h>"),
                                                 k(DirectiveKind::other, "it's not \"closed"),
                                                 k(DirectiveKind::define, "Q 1")});
}

TEST_CASE("raw strings hide directives in C++ only") {
    const char* text = "auto s = R\"x(\n#include <no.h>\n)\" )x\";\n#include <yes.h>\n";
    CHECK(summary(lex_directives(text, cxx_mode())) ==
          std::vector<std::string>{k(DirectiveKind::include, "<yes.h>")});
    // In C, R is an identifier and the string ends at its line: both lines are directives.
    CHECK(lex_directives(text, c_mode()).directives.size() == 2);
}

TEST_CASE("digit separators are no character literal in C++") {
    auto f = lex_directives("int n = 1'000'000;\n#include <yes.h>\n", cxx_mode());
    CHECK(summary(f) == std::vector<std::string>{k(DirectiveKind::include, "<yes.h>")});
}

TEST_CASE("digraph %: is a hash; trigraph ?\?= only when asked") {
    auto f =
        lex_directives("%:include <a.h>\n%:define CAT(a,b) a%:%:b\n?\?=include <t.h>\n", c_mode());
    CHECK(summary(f) == std::vector<std::string>{k(DirectiveKind::include, "<a.h>"),
                                                 k(DirectiveKind::define, "CAT(a,b) a##b")});
    LexOptions tri;
    tri.trigraphs = true;
    auto g = lex_directives("?\?=include <t.h>\n?\?=define X ?\?/\n 1\n", tri);
    CHECK(summary(g) == std::vector<std::string>{k(DirectiveKind::include, "<t.h>"),
                                                 k(DirectiveKind::define, "X 1")});
}

TEST_CASE("#include inside #if 0 is still a directive: the analyser decides") {
    auto f = lex_directives("#if 0\n#include <dead.h>\n#endif\n", c_mode());
    CHECK(summary(f) == std::vector<std::string>{k(DirectiveKind::if_, "0"),
                                                 k(DirectiveKind::include, "<dead.h>"),
                                                 k(DirectiveKind::endif, "")});
}

TEST_CASE("_Pragma that can change includes is flagged, diagnostics pragmas are not") {
    auto f = lex_directives("_Pragma(\"GCC diagnostic push\")\nint a;\n"
                            "_Pragma\n(\n\"once\")\n"
                            "#define P(x) _Pragma(#x)\n"
                            "#define S _Pragma(\"push_macro(\\\"X\\\")\")\n",
                            c_mode());
    REQUIRE(f.pragma_operators.size() == 3);
    CHECK(f.pragma_operators[0].line == 3);
    CHECK(f.pragma_operators[0].argument == "\"once\"");
    CHECK(f.pragma_operators[1].argument.empty()); // _Pragma(#x): known only where used
    CHECK(f.pragma_operators[2].line == 7);
}

TEST_CASE("a _Pragma without its parenthesis does not swallow the next directive") {
    auto f = lex_directives("_Pragma\n#include <a.h>\n", c_mode());
    CHECK(summary(f) == std::vector<std::string>{k(DirectiveKind::include, "<a.h>")});
    CHECK(f.pragma_operators.size() == 1); // not a literal: reported
}

TEST_CASE("the cache lexes each content once per options") {
    DirectiveCache cache;
    auto a = cache.get("#include <a.h>\n", c_mode());
    auto b = cache.get("#include <a.h>\n", c_mode());
    CHECK(a == b);
    CHECK(cache.hits() == 1);
    auto c = cache.get("#include <a.h>\n", cxx_mode());
    CHECK(c != a);
    CHECK(cache.size() == 2);
}
