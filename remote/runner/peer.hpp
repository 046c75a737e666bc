// Who is on the other end of a connection, and whether --allow lets them in.
#pragma once

#include "util/cidr.hpp"

#include <string>
#include <sys/socket.h>
#include <vector>

namespace ferry::runner {

bool peer_allowed(const std::vector<Cidr>& allow, const sockaddr* peer);
// The address without the port ("127.0.0.1", "::1"), as the refusal message names it.
std::string host_of(const sockaddr* peer);

} // namespace ferry::runner
