#include "coordinator/file_store_has_include.hpp"

#include <doctest/doctest.h>

using namespace ferry::coordinator;

namespace {
using Lookups = std::vector<HeaderLookup>;
}

TEST_CASE("literal __has_include and __has_include_next arguments are lookups") {
    auto u = has_include_uses("#if __has_include(\"opt.h\")\n#endif\n"
                              "#if __has_include (<sys/epoll.h>) && __has_include_next(<x/y.h>)\n"
                              "#elif defined(__has_include) && __has_include( \"a b.h\" )\n"
                              "#endif\n"
                              "#  define USE_TBB __has_include(<tbb/tbb.h>)\n");
    CHECK(u.non_literal.empty());
    CHECK(u.lookups == Lookups{{"opt.h", false},
                               {"sys/epoll.h", true},
                               {"x/y.h", true},
                               {"a b.h", false},
                               {"tbb/tbb.h", true}});
}

TEST_CASE("testing for the operator itself is no use") {
    auto u = has_include_uses("#ifdef __has_include\n#endif\n#ifndef __has_include_next\n"
                              "#define __has_include(x) 0\n#endif\n"
                              "#if defined __has_include || defined(__has_include_next)\n#endif\n"
                              "#undef __has_include\n");
    CHECK(u.empty());
}

TEST_CASE("wrapper macros: the #define is no use, literal calls of the wrapper are") {
    auto def = has_include_uses("#ifdef __has_include\n"
                                "#  define FMT_HAS_INCLUDE(x) __has_include(x)\n"
                                "#else\n#  define FMT_HAS_INCLUDE(x) 0\n#endif\n"
                                "#define TOML_HAS_INCLUDE(header) __has_include(header)\n");
    CHECK(def.non_literal.empty());
    CHECK(def.non_literal_calls.empty());
    CHECK(def.lookups.empty());
    CHECK(def.wrappers == std::vector<std::string>{"FMT_HAS_INCLUDE", "TOML_HAS_INCLUDE"});

    // The calls are recorded in any file; the manifest keeps those of names some file of the
    // job defines as a wrapper.
    auto use = has_include_uses("#if FMT_HAS_INCLUDE(<string_view>) && \\\n"
                                "    FMT_HAS_INCLUDE(\"winapifamily.h\")\n#endif\n"
                                "puts(\"hello\");\n");
    CHECK(use.non_literal.empty());
    CHECK(use.calls == std::vector<WrapperCall>{{"FMT_HAS_INCLUDE", {"string_view", true}},
                                                {"FMT_HAS_INCLUDE", {"winapifamily.h", false}},
                                                {"puts", {"hello", false}}});
}

TEST_CASE("an argument the coordinator cannot read is reported") {
    CHECK(has_include_uses("#define HDR \"opt.h\"\n#if __has_include(HDR)\n#endif\n").non_literal ==
          "__has_include(HDR)");
    CHECK(has_include_uses("#if __has_include_next(HDR)\n#endif\n").non_literal ==
          "__has_include_next(HDR)");
    // An alias of the operator, and a parameter inside a literal of a macro body.
    CHECK_FALSE(has_include_uses("#define HAS __has_include\n").non_literal.empty());
    CHECK_FALSE(has_include_uses("#define HAS(n) __has_include(<n.h>)\n").non_literal.empty());
    // `#define X __has_include(y)`: y is no parameter of X.
    CHECK_FALSE(has_include_uses("#define X(p) __has_include(y)\n").non_literal.empty());
    // A wrapper-like name called with a macro: local if the name is a wrapper.
    auto u = has_include_uses("#if FMT_HAS_INCLUDE(MY_HEADER)\n#endif\n");
    CHECK(u.non_literal.empty());
    CHECK(u.non_literal_calls == std::vector<std::string>{"FMT_HAS_INCLUDE"});
}

TEST_CASE("comments and literals are skipped; digit separators open no literal") {
    // Chosen: a __has_include in a comment or a string is prose, not a use.
    auto u = has_include_uses("// __has_include(HDR) in prose\n"
                              "/* __has_include(<c.h>) */\n"
                              "const char* s = \"__has_include(X)\";\n"
                              "char q = '\"'; int n = 1'000;\n"
                              "#if __has_include(\"real.h\")\n#endif\n");
    CHECK(u.non_literal.empty());
    CHECK(u.lookups == Lookups{{"real.h", false}});
}
