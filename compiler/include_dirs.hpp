// The include directories a command line names (-I, -iquote, -isystem, -idirafter and their
// long spellings), read with the option table, so that the coordinator can give a job every
// directory the compile searches: gcc's -Wmissing-include-dirs (an error with -Werror=) and
// the search order depend on which of them exist.
#pragma once

#include <string>
#include <vector>

namespace ferry::compiler {

// Values as given, in order, with "=dir" and "$SYSROOT/dir" made relative to the default
// sysroot (the root: a compile with --sysroot runs locally). Options of either family are
// accepted (the coordinator does not parse by driver); an unknown option is skipped alone.
std::vector<std::string> include_dirs_in(const std::vector<std::string>& args);

} // namespace ferry::compiler
