// Unix-domain stream sockets by path, blocking: the wrapper's connection to its coordinator
// and the test tools that stand in for one, and the coordinator's listener (handed to libuv).
// A path of any length works: one too long for sun_path is reached through its directory.
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <string>

namespace ferry {

// Connects to the socket at `path`. `err` receives connect()'s errno (0 on success):
// ENOENT and ECONNREFUSED mean nobody listens there, which a caller may want to cure.
Result<Fd> connect_unix(const std::string& path, int& err);

// Binds and listens at `path`, which must not exist.
Result<Fd> listen_unix(const std::string& path, int backlog);

} // namespace ferry
