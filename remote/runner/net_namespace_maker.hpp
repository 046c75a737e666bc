// The child's half of net_namespace.hpp, run by ferryd-exec (libc only, like the rest of the
// trampoline): it makes a user namespace with a network namespace of its own and sends both
// to ferryd as fds. A program of its own rather than a fork of ferryd: a fork would carry
// ferryd's memory (its key among it), and would have to be made dumpable to write its own
// uid_map after ferryd dropped root; ferryd-exec is freshly executed and holds nothing.
#pragma once

namespace ferry::runner {

// argv[1] of ferryd-exec (or of ferryd, its fallback) for this job.
inline constexpr const char* kMakeNetFlag = "--make-net";

// Unshares, maps this process's user and group to themselves, sends the user and network
// namespaces' fds (in that order) as one SCM_RIGHTS message with one byte over the socket
// `sock`, and exits: 0 when sent, 1 with the failed step on stderr.
[[noreturn]] void make_and_send_net_namespace(int sock);

} // namespace ferry::runner
