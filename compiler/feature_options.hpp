// The -f, -g and -m options ferry distributes, by name. These three prefixes hold thousands of
// spellings across gcc and clang, and some of them name files or programs (-fplugin=,
// -fdump-*, -fprofile-use=, Ada's -gnatl=FILE behind "-g"), so there is no catch-all: an
// option is distributed only if it is on these lists, and everything else compiles locally
// (client) or is refused (runner). The option table's own entries (compiler/option_table.cpp)
// are matched first, so what it sends local stays local whatever these lists say.
//
// The lists are generous on purpose: a missing option makes a build slower, never wrong. They
// come from gcc 12's --help=optimizers, --help=common and --help=target (x86), clang 14's
// --help, and what Linux Kbuild, CMake and autotools projects pass. None of their values is a
// path: a value may hold only letters, digits and _ . , + - : = ^ (no '/'), except the few
// listed as free text, which the compiler reads as a string and never opens.
#pragma once

#include <cstddef>
#include <string_view>

namespace ferry::compiler {

// For a known -f/-g/-m option: the length of its name, '=' included ("-fvisibility=" in
// "-fvisibility=hidden"; the whole argument for a flag). 0 if the option is not known.
size_t known_feature_option(std::string_view arg);

} // namespace ferry::compiler
