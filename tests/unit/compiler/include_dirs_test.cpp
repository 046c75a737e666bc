#include "compiler/include_dirs.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

TEST_CASE("include_dirs_in: every include option, either family, in order") {
    using ferry::compiler::include_dirs_in;
    const std::vector<std::string> args = {"-Ia",          "-I",      "b",
                                           "-iquote",      "c",       "-isystemd",
                                           "-idirafter",   "e",       "--include-directory=f",
                                           "-O2",          "-DX=-Ig", "-I=/usr/h",
                                           "-I$SYSROOT/i", "-o",      "-Ij.o",
                                           "src.c",        "-MF",     "-Ik.d"};
    CHECK(include_dirs_in(args) ==
          std::vector<std::string>{"a", "b", "c", "d", "e", "f", "/usr/h", "/i"});
}
