// The listening sockets, bound before the event loop exists: binding first means an address
// in use or a privileged port is reported on the terminal before --daemon detaches, and the
// bound sockets survive the fork untouched (libuv adopts them afterwards).
#pragma once

#include "remote/runner/options.hpp"
#include "util/fd.hpp"
#include "util/result.hpp"

namespace ferry::runner {

Result<Fd> bind_listener(const ListenAddress& address, int backlog = 128);

} // namespace ferry::runner
