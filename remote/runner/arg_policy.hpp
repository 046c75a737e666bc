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

#include "compiler/policy.hpp"
#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::runner {

// Errc::refused naming the argument and why. `deps` allowed (a sandboxed runner): the
// dependency options in the spellings the client sends (-MD, -MMD, -MF, -MT, -MQ, -MP,
// -Wp,-MD,FILE, -Wp,-MMD,FILE) pass; the job's outputs must then name the depfile
// (depfile_is_output).
Result<void>
check_arguments(const std::vector<std::string>& args,
                compiler::DependencyOptions deps = compiler::DependencyOptions::refused);

// For `args` with dependency options: the file they write is one of `outputs` (so the job's
// sandbox can write it and it comes back).
Result<void> depfile_is_output(std::string_view compiler_name, const std::vector<std::string>& args,
                               const std::vector<std::string>& outputs);

} // namespace ferry::runner
