#include "coordinator/includes/expression.hpp"
#include "coordinator/includes/macro_table.hpp"

#include <doctest/doctest.h>
#include <memory_resource>

using namespace ferry::includes;

namespace {

// Each table as a walk makes it (analyser.cpp): its entries in a monotonic arena.
struct Fixture {
    std::pmr::monotonic_buffer_resource arena;
    MacroTable macros{nullptr, &arena};
    bool cplusplus = false;
    std::function<Tri(const HeaderQuery&)> has_include;

    void define(const std::string& text, bool uncertain = false) {
        REQUIRE(macros.define(lex_line(text, {}), uncertain));
    }
    Tri eval(const std::string& text) {
        EvalContext ctx;
        ctx.macros = &macros;
        ctx.cplusplus = cplusplus;
        ctx.has_include = has_include;
        LexOptions o;
        o.cplusplus = cplusplus;
        return evaluate(lex_line(text, o), ctx);
    }
    std::string expand(const std::string& text) {
        auto e = macros.expand(lex_line(text, {}), false);
        std::string out;
        for (const auto& t : e.tokens)
            out += (t.space_before && !out.empty() ? " " : "") + t.text;
        return out;
    }
};

} // namespace

TEST_CASE("defined, with and without parentheses, and through #undef") {
    Fixture f;
    f.define("A");
    f.define("B 0");
    CHECK(f.eval("defined(A)") == Tri::yes);
    CHECK(f.eval("defined A && defined ( B )") == Tri::yes);
    CHECK(f.eval("defined C") == Tri::no);
    CHECK(f.eval("!defined(C) && B == 0") == Tri::yes);
    f.macros.undef("A", false);
    CHECK(f.eval("defined A") == Tri::no);
}

TEST_CASE("integer arithmetic: precedence, shifts, unsigned, ?:, division by zero") {
    Fixture f;
    f.define("V 0x10");
    f.define("VERSION(a, b) ((a) << 8 | (b))");
    CHECK(f.eval("1 + 2 * 3 == 7") == Tri::yes);
    CHECK(f.eval("(1 + 2) * 3 == 7") == Tri::no);
    CHECK(f.eval("V >> 2 == 4 && 1 << 4 == V") == Tri::yes);
    CHECK(f.eval("VERSION(4, 3) >= VERSION(4, 2)") == Tri::yes);
    CHECK(f.eval("-1 < 0") == Tri::yes);
    CHECK(f.eval("-1 < 0u") == Tri::no); // unsigned comparison, as in the preprocessor
    CHECK(f.eval("0 ? 1 : 2 == 2") == Tri::yes);
    CHECK(f.eval("'A' == 65 && 010 == 8 && 0b11 == 3 && 10UL == 10") == Tri::yes);
    CHECK(f.eval("1 / 0") == Tri::unknown);
    CHECK(f.eval("UNDEFINED_NAME == 0") == Tri::yes);
    CHECK(f.eval("1 +") == Tri::unknown); // malformed: never an error that hides a branch
}

TEST_CASE("built-ins we cannot answer are unknown; && and || short-circuit around them") {
    Fixture f;
    CHECK(f.eval("__has_builtin(__builtin_expect)") == Tri::unknown);
    CHECK(f.eval("__has_attribute(noreturn) || 0") == Tri::unknown);
    CHECK(f.eval("0 && __has_feature(cxx_rtti)") == Tri::no);
    CHECK(f.eval("__has_cpp_attribute(nodiscard) || 1") == Tri::yes);
    CHECK(f.eval("__has_feature(x) ? 2 : 2") == Tri::yes);
}

TEST_CASE("__has_include asks the search, with a macro argument expanded") {
    Fixture f;
    std::vector<HeaderQuery> asked;
    f.has_include = [&](const HeaderQuery& q) {
        asked.push_back(q);
        return q.name == "here.h" ? Tri::yes : Tri::no;
    };
    f.define("HDR <here.h>");
    CHECK(f.eval("__has_include(\"here.h\")") == Tri::yes);
    CHECK(f.eval("__has_include(<sys/gone.h>)") == Tri::no);
    CHECK(f.eval("__has_include(HDR)") == Tri::yes);
    CHECK(f.eval("__has_include_next(<here.h>)") == Tri::yes);
    REQUIRE(asked.size() == 4);
    CHECK(asked[1].name == "sys/gone.h");
    CHECK(asked[1].angled);
    CHECK(asked[2].angled);
    CHECK(asked[3].next);
}

TEST_CASE("a macro defined under an undecided condition makes its readers unknown") {
    Fixture f;
    f.define("MAYBE 1", true);
    CHECK(f.eval("defined MAYBE") == Tri::unknown);
    CHECK(f.eval("MAYBE") == Tri::unknown);
    f.macros.undef("SURE", true);
    CHECK(f.macros.state("SURE") == MacroState::unknown);
    // Defined again in a decided group: that definition is in effect, whatever came before.
    f.define("MAYBE 2");
    CHECK(f.eval("MAYBE == 2") == Tri::yes);
}

TEST_CASE("names the compiler defines without -dM: __has_include is defined") {
    Fixture f;
    CHECK(f.eval("defined __has_include && defined(__has_include_next)") == Tri::yes);
    CHECK(f.eval("defined __has_builtin") == Tri::unknown); // gcc >= 10 and clang only
    CHECK(f.eval("__LINE__ > 100") == Tri::unknown);
}

TEST_CASE("C++ alternative tokens and true/false") {
    Fixture f;
    f.cplusplus = true;
    CHECK(f.eval("true and not false") == Tri::yes);
    CHECK(f.eval("1 bitand 2") == Tri::no);
}

TEST_CASE("expansion: stringizing, pasting, recursion stops, __VA_ARGS__, push/pop") {
    Fixture f;
    f.define("STR(x) #x");
    f.define("XSTR(x) STR(x)");
    f.define("NAME foo");
    f.define("CAT(a, b) a##b");
    f.define("SELF SELF + 1");
    f.define("FIRST(x, ...) x");
    f.define("REST(x, ...) __VA_ARGS__");
    CHECK(f.expand("XSTR(NAME.h)") == "\"foo.h\"");
    CHECK(f.expand("STR(NAME.h)") == "\"NAME.h\"");
    CHECK(f.expand("CAT(NA, ME)") == "foo");
    CHECK(f.expand("SELF") == "SELF + 1");
    CHECK(f.expand("FIRST(a, b, c) REST(a, b, c)") == "a b, c");
    f.macros.push("NAME");
    f.define("NAME bar");
    CHECK(f.expand("NAME") == "bar");
    f.macros.pop("NAME");
    CHECK(f.expand("NAME") == "foo");
}

TEST_CASE("header names from computed include tokens") {
    std::string name;
    bool angled = false;
    CHECK(header_from_tokens(lex_line("<sys/ types.h>", {}), name, angled));
    CHECK(name == "sys/ types.h");
    CHECK(angled);
    CHECK(header_from_tokens(lex_line("\"a.h\"", {}), name, angled));
    CHECK_FALSE(angled);
    CHECK_FALSE(header_from_tokens(lex_line("a.h", {}), name, angled));
}

TEST_CASE("a table over a shared base: its changes hide the base's macros, never change them") {
    auto base = std::make_shared<MacroTable>();
    REQUIRE(base->define(lex_line("KEEP 1", {}), false));
    REQUIRE(base->define(lex_line("GONE 2", {}), false));
    REQUIRE(base->define(lex_line("MAYBE 3", {}), false));
    REQUIRE(base->define(lex_line("SAVED 4", {}), false));
    REQUIRE(base->define(lex_line("F(x) (x + KEEP)", {}), false));
    Fixture f;
    f.macros.set_base(base);
    CHECK(f.eval("KEEP == 1 && GONE == 2 && F(1) == 2") == Tri::yes);

    f.macros.undef("GONE", false);
    CHECK(f.macros.state("GONE") == MacroState::undefined);
    CHECK(f.eval("defined(GONE)") == Tri::no);
    CHECK(f.expand("GONE") == "GONE");
    f.macros.undef("MAYBE", true); // under an undecided #if: still possibly 3
    CHECK(f.macros.state("MAYBE") == MacroState::unknown);
    CHECK(f.eval("defined MAYBE") == Tri::unknown);
    f.define("KEEP 10");
    CHECK(f.eval("KEEP == 10 && F(1) == 11") == Tri::yes);
    // push/pop restore what was in effect, the base's included.
    f.macros.push("SAVED");
    f.macros.undef("SAVED", false);
    CHECK(f.macros.state("SAVED") == MacroState::undefined);
    f.macros.pop("SAVED");
    CHECK(f.eval("SAVED == 4") == Tri::yes);
    f.macros.push("NEW");
    f.define("NEW 5");
    f.macros.pop("NEW");
    CHECK(f.macros.state("NEW") == MacroState::undefined);
    f.define("GONE 7"); // defined again after the #undef
    CHECK(f.eval("GONE == 7") == Tri::yes);

    // The base saw none of it: the next unit's walk starts from the same macros.
    Fixture g;
    g.macros.set_base(base);
    CHECK(g.eval("KEEP == 1 && GONE == 2 && MAYBE == 3 && SAVED == 4 && F(1) == 2") == Tri::yes);
    CHECK(g.macros.state("NEW") == MacroState::undefined);
}

TEST_CASE("tables defining the same lexed #define borrow its macro; each changes only itself") {
    auto lexed =
        lex_directives("#define X 1\n#define F(a) (a + X)\n#define G (a)\n#define B(1) 2\n", {});
    REQUIRE(lexed.directives.size() == 4);
    const Directive& x = lexed.directives[0];
    REQUIRE(x.macro);
    CHECK(lexed.directives[1].macro->function_like);
    CHECK_FALSE(lexed.directives[2].macro->function_like); // a blank before `(`
    CHECK_FALSE(lexed.directives[3].macro);                // malformed: defines nothing

    Fixture a, b;
    for (const auto& d : lexed.directives) {
        CHECK(a.macros.define(d, false) == (d.macro != nullptr));
        CHECK(b.macros.define(d, true) == (d.macro != nullptr));
    }
    CHECK(a.macros.definition("X") == x.macro.get());
    CHECK(b.macros.definition("X") == x.macro.get());
    CHECK(x.macro.use_count() == 1); // the directive's alone: the tables borrow it
    CHECK(a.macros.state("B") == MacroState::undefined);
    CHECK(a.eval("F(1) == 2") == Tri::yes);
    CHECK(b.eval("F(1) == 2") == Tri::unknown); // b defined them under an undecided #if

    a.define("X 2");
    CHECK(a.eval("F(1) == 3") == Tri::yes);
    CHECK(b.macros.definition("X") == x.macro.get());
    b.macros.undef("X", false);
    CHECK(b.macros.state("X") == MacroState::undefined);
    CHECK(a.eval("X == 2") == Tri::yes);
    a.macros.undef("F", false);
    CHECK(b.expand("F(1)") == "(1 + X)");
    CHECK(x.macro->body == lex_line("1", {}));
}
