// The names compilers give the files they write next to the object, as measured on gcc 12
// and clang 14 (Debian 12). Kept apart from the analyser so each rule is stated once, with
// the experiment that found it.
#pragma once

#include "compiler/args.hpp"

#include <string>
#include <string_view>

namespace ferry::compiler {

// `path` without the extension of its last component. gcc does not count a leading dot as an
// extension (".x" stays ".x"); clang and every compiler's depfile naming do (".x" -> "").
// "out.d/x.c.o" -> "out.d/x.c", "out.d/x" -> "out.d/x", "x." -> "x".
std::string strip_extension(std::string_view path, bool leading_dot_is_extension);

// The object a compile without -o writes: in the cwd, named after the source.
// "../src/foo.c" -> "foo.o" (-c) or "foo.s" (-S).
std::string default_object(std::string_view source, bool assemble_only);

// Where -MD/-MMD write without -MF (both families): next to -o with the extension replaced
// ("out/x.c.o" -> "out/x.c.d", "out/.x" -> "out/.d"), else "<source stem>.d" in the cwd.
std::string default_depfile(std::string_view source, std::string_view explicit_output);

// Where -fstack-usage writes: "<output stem>.su" (-o given, -c or -S) else "<source stem>.su".
std::string stack_usage_file(Family family, std::string_view source,
                             std::string_view explicit_output);

// Where -gsplit-dwarf writes the .dwo, "" if nowhere. gcc: only with -c (as runs after -S),
// next to -o ("out/x" -> "out/x.dwo"), else "<source stem>.dwo". clang: next to -o only
// with -c; with -S, or without -o, "<source stem>.dwo" in the cwd.
std::string split_dwarf_file(Family family, std::string_view source,
                             std::string_view explicit_output, bool assemble_only);

} // namespace ferry::compiler
