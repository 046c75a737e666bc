// A second, independent check of a job's arguments, run before compiler::reroot_args() (the
// argument policy proper) sees them. reroot_args knows what every option means and refuses
// what it does not know; this check knows little about meaning and looks at every argument,
// whether the compiler will read it as an option or as another option's value, for what
// would let a request run code or touch files outside its job:
//  - "@file" anywhere: gcc and clang expand a response file in *any* argument, the value of
//    -o or -D included, so "-D @/etc/passwd" reads that file and echoes it in diagnostics;
//  - a NUL byte: exec would pass a shorter argument than the one that was checked;
//  - an include directory, forced include or other path beginning with "=" or "$SYSROOT",
//    which the compiler resolves against its sysroot, outside the mirror;
//  - the options that load code or write files where the runner did not choose (-fplugin,
//    -specs, -B, -wrapper, -save-temps, -fdump-*, -fprofile-*, -MF, Ada's -gnat*...), in
//    every spelling,
//    so a mistake in the option table cannot let them through.
#pragma once

#include "util/result.hpp"

#include <string>
#include <vector>

namespace ferry::runner {

// Errc::refused naming the argument and why.
Result<void> check_arguments(const std::vector<std::string>& args);

} // namespace ferry::runner
