#include "coordinator/include_shadow_shape.hpp"

#include <doctest/doctest.h>

using namespace ferry::coordinator;
using Args = std::vector<std::string>;

TEST_CASE("shadow shape: macro options go to -dM, include options to -v, the rest nowhere") {
    Args args{"-c",       "-o",         "obj/a.o",  "-DNDEBUG", "-D",       "X=1",        "-UY",
              "-O2",      "-std=c++20", "-fPIC",    "-m64",     "-pthread", "-Iinc",      "-I",
              "other",    "-isystem",   "/opt/sys", "-iquote",  "q",        "-idirafter", "/late",
              "-Wall",    "-g",         "-MD",      "-MF",      "obj/a.d",  "-include",   "force.h",
              "-imacros", "macros.h",   "src/a.cpp"};
    auto shape = shadow_shape(args, "c++");
    CHECK(shape.macro_args ==
          Args{"-DNDEBUG", "-D", "X=1", "-UY", "-O2", "-std=c++20", "-fPIC", "-m64", "-pthread"});
    CHECK(shape.search_args == Args{"-fPIC", "-m64", "-Iinc", "-I", "other", "-isystem", "/opt/sys",
                                    "-iquote", "q", "-idirafter", "/late"});
    // -imacros before -include, whatever the command-line order (gcc's order).
    REQUIRE(shape.forced.size() == 2);
    CHECK(shape.forced[0].name == "macros.h");
    CHECK(shape.forced[0].macros_only);
    CHECK(shape.forced[1].name == "force.h");
    CHECK_FALSE(shape.forced[1].macros_only);
    CHECK(shape.lex.cplusplus);
    CHECK_FALSE(shape.lex.trigraphs);
    CHECK_FALSE(shape.no_implicit_include);

    CHECK(macro_probe_args(shape, "c++") == Args{"-DNDEBUG", "-D", "X=1", "-UY", "-O2",
                                                 "-std=c++20", "-fPIC", "-m64", "-pthread", "-dM",
                                                 "-E", "-x", "c++", "/dev/null"});
    auto v = search_probe_args(shape, "c++");
    CHECK(Args(v.end() - 7, v.end()) ==
          Args{"-E", "-v", "-o", "/dev/null", "-x", "c++", "/dev/null"});
}

TEST_CASE("shadow shape: a value is never read as an option") {
    // -o -fake.o and -MF -D.d: values that look like options stay with their option.
    auto shape = shadow_shape({"-c", "-o", "-fake.o", "-MF", "-Dnot.d", "a.c"}, "c");
    CHECK(shape.macro_args.empty());
    CHECK(shape.search_args.empty());
    CHECK_FALSE(shape.lex.cplusplus);
}

TEST_CASE("shadow shape: trigraphs in strict ISO modes, the last -std= decides") {
    CHECK(shadow_shape({"-std=c11", "a.c"}, "c").lex.trigraphs);
    CHECK(shadow_shape({"-std=c99", "-std=gnu99", "a.c"}, "c").lex.trigraphs == false);
    CHECK(shadow_shape({"-std=gnu11", "-trigraphs", "a.c"}, "c").lex.trigraphs);
    CHECK(shadow_shape({"-ansi", "a.c"}, "c").lex.trigraphs);
    CHECK_FALSE(shadow_shape({"-std=c++17", "a.cpp"}, "c++").lex.trigraphs);
    CHECK(shadow_shape({"-std=c++14", "a.cpp"}, "c++").lex.trigraphs);
}

TEST_CASE("shadow shape: no stdc-predef.h under -nostdinc or -ffreestanding") {
    CHECK(shadow_shape({"-nostdinc", "a.c"}, "c").no_implicit_include);
    CHECK(shadow_shape({"-ffreestanding", "a.c"}, "c").no_implicit_include);
    CHECK_FALSE(shadow_shape({"-O2", "a.c"}, "c").no_implicit_include);
}

TEST_CASE("shadow keys: units of one target share them, what changes the answer does not") {
    auto a = shadow_shape({"-c", "-O2", "-Iinc", "-DA", "-o", "a.o", "a.c"}, "c");
    auto b = shadow_shape({"-c", "-O2", "-Iinc", "-DA", "-o", "b.o", "b.c", "-MD"}, "c");
    CHECK(macro_key("gcc@1", a, "c") == macro_key("gcc@1", b, "c"));
    CHECK(search_key("gcc@1", "/p", a, "c") == search_key("gcc@1", "/p", b, "c"));

    // Another -D: other macros, the same search lists.
    auto d = shadow_shape({"-c", "-O2", "-Iinc", "-DB", "a.c"}, "c");
    CHECK(macro_key("gcc@1", a, "c") != macro_key("gcc@1", d, "c"));
    CHECK(search_key("gcc@1", "/p", a, "c") == search_key("gcc@1", "/p", d, "c"));
    // Another -I: the same macros, other search lists.
    auto i = shadow_shape({"-c", "-O2", "-Iother", "-DA", "a.c"}, "c");
    CHECK(macro_key("gcc@1", a, "c") == macro_key("gcc@1", i, "c"));
    CHECK(search_key("gcc@1", "/p", a, "c") != search_key("gcc@1", "/p", i, "c"));
    // The compiler, the language and the directory (relative -I) are part of the keys.
    CHECK(macro_key("gcc@1", a, "c") != macro_key("gcc@2", a, "c"));
    CHECK(macro_key("gcc@1", a, "c") != macro_key("gcc@1", a, "c++"));
    CHECK(search_key("gcc@1", "/p", a, "c") != search_key("gcc@1", "/q", a, "c"));
    CHECK(search_key("gcc@1", "/p", a, "c") != search_key("gcc@1", "/p", a, "c++"));
    // Field boundaries count: "-DA" "B" is not "-DAB".
    auto split = shadow_shape({"-D", "AB", "a.c"}, "c");
    auto joined = shadow_shape({"-DAB", "a.c"}, "c");
    CHECK(macro_key("gcc", split, "c") != macro_key("gcc", joined, "c"));
}
