// ferryd.toml: the runner's settings in a file (/etc/ferry/ferryd.toml unless --config names
// another), for a service whose command line stays fixed (ferryd.service). The schema is
// closed and checked like hosts.toml (config/toml_reader.hpp): every mistake is
// "file:line: key: ...", unknown keys are refused, values are typed and ranged, and each
// address and range is parsed here so that its error names its line. The file's values sit
// between the built-in defaults and the command line, which wins (options.cpp). The full
// schema, commented, is in docs/ferryd.md.
#pragma once

#include "remote/runner/options.hpp"
#include "util/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runner {

// The defaults with a file's settings over them.
struct FileOptions {
    Options options;
    // limits.cpu_s was set; otherwise the CPU limit follows the final job timeout.
    bool cpu_limit_given = false;
};

// Applies the TOML `text` (named `source` in errors) over `defaults`.
Result<FileOptions> parse_config_text(std::string_view text, std::string_view source,
                                      Options defaults);

// The keys the file accepts, dotted ("listen", "limits.cpu_s"): what its manual page
// (ferryd.toml(5)) must document, checked by a unit test.
std::vector<std::string> config_file_keys();

// Reads and applies the file at `path`. A missing file is nullopt unless `must_exist` (a
// file named with --config); any other failure to read it is an error.
Result<std::optional<FileOptions>> load_config_file(const std::string& path, bool must_exist,
                                                    Options defaults);

} // namespace ferry::runner
