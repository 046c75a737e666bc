// MAKEFLAGS as the GNU make jobserver protocol uses it: reading the auth a parent left us
// (--jobserver-auth=R,W, --jobserver-auth=fifo:PATH, the legacy --jobserver-fds=R,W, last
// one wins, the dry-run letter) and composing the value a child gets. The child decides the
// style: make 4.3 stops on a fifo: auth unless a --jobserver-fds=R,W follows it, and
// ninja >= 1.13 ignores the pipe style, so one string cannot serve every client.
#pragma once

#include "util/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::jobserver {

enum class Style { none, pipe, fifo };

struct Auth {
    Style style = Style::none;
    int read_fd = -1; // pipe style
    int write_fd = -1;
    std::string fifo_path;   // fifo style
    bool dry_run = false;    // make -n: a client should not do the work
    std::optional<int> jobs; // the -jN in MAKEFLAGS (informational: pools need not set it)

    // "R,W" or "fifo:PATH", as after --jobserver-auth=.
    std::string auth_value() const;
};

// Words of a MAKEFLAGS value (split on spaces and tabs; make escapes spaces inside
// values with a backslash, which we keep).
std::vector<std::string> split_makeflags(std::string_view makeflags);

// Parses MAKEFLAGS. No jobserver is Style::none, not an error; a malformed
// --jobserver-fds is Errc::invalid. Negative fds disable the jobserver (make's rule).
Result<Auth> parse_makeflags(std::string_view makeflags);

// How a child is told about a pool.
enum class ChildStyle {
    pipe, // " -jN --jobserver-fds=R,W --jobserver-auth=R,W": make 3.8x-4.3, gcc's LTO, cargo
    fifo, // " -jN --jobserver-auth=fifo:PATH": make >= 4.4, ninja >= 1.13
};

// `base` is the MAKEFLAGS to keep (the user's flag letters, variables...): its jobserver
// options and -j are removed and ours appended. `jobs` is the pool size shown as -jN.
std::string compose_makeflags(std::string_view base, ChildStyle style, int jobs, int read_fd,
                              int write_fd, const std::string& fifo_path);

// MAKEFLAGS without any --jobserver-auth/--jobserver-fds/-j/--jobs option.
std::string strip_jobserver(std::string_view makeflags);

} // namespace ferry::jobserver
