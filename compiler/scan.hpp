// Reads what the client-side pass (-E -H -v) printed on stderr: every file the compile
// opened (-H lines: dots, a space, the path) and the include search lists (-v). From that
// the client knows which files to ship and which directories are the compiler's own.
#pragma once

#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry::compiler {

struct ScanResult {
    std::vector<std::string> headers;    // as printed, first-seen order, no duplicates
    std::vector<std::string> quote_dirs; // "#include \"...\" search starts here:"
    std::vector<std::string> angle_dirs; // "#include <...> search starts here:"
    // 'ignoring nonexistent directory "..."': candidates that would join the search lists
    // if they appeared, so a remembered search list is only good while they stay absent.
    std::vector<std::string> missing_dirs;
};

ScanResult parse_scan_output(std::string_view stderr_text);

// The compiler's built-in directories: angle_dirs minus the ones the command line named
// (compared after making both absolute against cwd and normalising), in order.
std::vector<std::string> builtin_include_dirs(const ScanResult& scan,
                                              const std::vector<std::string>& user_dirs,
                                              std::string_view cwd);

} // namespace ferry::compiler
