// File-system helpers with Result errors. Outputs are always written atomically (temporary
// file in the same directory, then rename) so a build interrupted mid-write never sees a
// truncated object that looks newer than its source.
#pragma once

#include "util/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ferry {

Result<std::string> read_file(const std::string& path, size_t max_size = size_t(1) << 31);
// read_file for paths a build names (sources, headers): anything but a regular file is an
// error, found before it is opened — a FIFO would block the reader until someone writes,
// /dev/zero would feed it up to max_size of nothing, a device's open can act.
Result<std::string> read_regular_file(const std::string& path, size_t max_size = size_t(1) << 31);
// The rest of an open file; `name` is for error messages.
Result<std::string> read_fd(int fd, size_t max_size, std::string_view name = "file");
Result<void> write_file(const std::string& path, std::string_view data, unsigned mode = 0644);
Result<void> write_file_atomic(const std::string& path, std::string_view data,
                               unsigned mode = 0644);
Result<void> make_dirs(const std::string& path, unsigned mode = 0755);

// The non-empty components of `path` ("/a//b/" -> a, b), views into `path`.
std::vector<std::string_view> path_components(std::string_view path);
// Lexical normalisation: collapses "//" and ".", resolves ".." against preceding names
// ("/a/b/../c" -> "/a/c", "/.." -> "/"). Does not touch the file system.
std::string normalize_path(std::string_view path);
// True when `path` is absolute and already what normalize_path makes of it ("/" or "/a/b",
// no empty, "." or ".." component): a manifest's paths usually are, and need no copy.
bool is_normal_absolute(std::string_view path);
// `path` made absolute against `cwd` (if relative), then normalised.
std::string absolute_path(std::string_view cwd, std::string_view path);
// True if lexically walking `path` (relative to a root, starting at depth `start_depth`)
// never climbs above that root: "a/../../b" from depth 0 escapes, from depth 1 does not.
bool stays_within(std::string_view path, int start_depth = 0);
// Number of components of an absolute, normalised path ("/" is 0, "/a/b" is 2).
int path_depth(std::string_view normalized_absolute);
std::string dirname(std::string_view path);
std::string basename(std::string_view path);
std::string join_path(std::string_view a, std::string_view b);

// Finds `name` on $PATH (or `path_env`), skipping entries for which `skip` returns true.
std::string find_in_path(std::string_view name, std::string_view path_env,
                         bool (*skip)(const std::string& candidate) = nullptr);

} // namespace ferry
