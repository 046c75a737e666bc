// The list of files a remote compile reads, from the client-side scan: the source, every
// header -H printed, and gcc's implicit stdc-predef.h (which -H never lists). Paths stay
// as the compiler spelled them, made absolute by joining the cwd lexically: ".." is kept,
// because after a symlinked directory it means what the kernel says, not what the text says.
#pragma once

#include "compiler/args.hpp"
#include "compiler/scan.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::client {

// `path` made absolute against `cwd` without resolving "..": only "." components and
// doubled slashes go, which never change the file named.
std::string join_to_cwd(std::string_view cwd, std::string_view path);

// gcc reads stdc-predef.h before the source unless told not to search system directories.
bool reads_stdc_predef(compiler::Family family, const std::vector<std::string>& args);

using FileExists = std::function<bool(const std::string&)>;
bool regular_file_exists(const std::string& path);

// The source first, then the headers in scan order, then stdc-predef.h (the first one in
// the <...> search list, when `with_stdc_predef`); absolute, without duplicates.
std::vector<std::string> files_to_ship(std::string_view source, const compiler::ScanResult& scan,
                                       std::string_view cwd, bool with_stdc_predef,
                                       const FileExists& exists = regular_file_exists);

} // namespace ferry::client
