// Where a user's coordinator lives: a 0700 directory under $XDG_RUNTIME_DIR, else under
// $HOME (.cache/ferry/run-HOST), else $TMPDIR/ferry-$UID (paths.cpp says why), one socket per
// configuration fingerprint, so two builds with different clusters never share a coordinator.
#pragma once

#include "config/hosts.hpp"
#include "util/result.hpp"

#include <string>

namespace ferry::ipc {

// Part of the socket, lock and log names: bump it with any change to the Ipc* messages, so an
// upgraded `ferry` never talks to a coordinator an older one left running (that one idles
// out on its own).
inline constexpr int kIpcRevision = 10;

// Creates the directory if needed and checks it is ours and 0700; a refused home directory
// falls back to the next place, a refused XDG one does not (the session named it).
Result<std::string> runtime_dir();
std::string socket_path(const std::string& dir, const config::Config& config);
std::string lock_path(const std::string& dir, const config::Config& config);
std::string log_path(const std::string& dir, const config::Config& config);

} // namespace ferry::ipc
