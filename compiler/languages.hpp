// Which source languages ferry distributes, shared by the client's analyser and the runner's
// policy so the two cannot disagree: C and C++ only, named by the source's extension or by -x.
//
// Everything else compiles locally. The compiler identity hashes the driver, cc1 and cc1plus,
// so another front end (gnat1, f951, cc1obj, go1, d21) could differ between client and runner
// without ferry noticing, and those front ends accept options and write files (Ada's -gnatl=,
// .ali files) that the option table does not describe. Also left out, each for its own reason:
//  - assembler with cpp (.S, .sx, -x assembler-with-cpp) and plain assembler (.s): the
//    assembler reads .incbin/.include files that the preprocessor's -H never lists;
//  - preprocessed sources (.i, .ii, -x cpp-output): nothing to scan, and gcc records
//    -fpreprocessed compiles differently; rare outside -save-temps;
//  - Objective-C/C++ (.m, .mm): cc1obj/cc1objplus are not part of the identity;
//  - headers (-x c-header, .h): they produce precompiled headers, which run locally.
#pragma once

#include <string>
#include <string_view>

namespace ferry::compiler {

// "c" or "c++" for a source the driver compiles as C or C++ by its extension, "" otherwise.
// (The c++ driver compiles a .c file as C++; this is the C driver's reading.)
std::string language_of_extension(std::string_view source);

// The value of -x that a job may carry before a source: "c" or "c++". "none" (back to the
// extension) is also accepted by both sides, but names no language.
bool is_distributed_language(std::string_view x_value);

} // namespace ferry::compiler
