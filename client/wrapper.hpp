// The compiler wrapper: decides where a compile runs and makes the result indistinguishable
// from a local compile. Distributable compiles are scanned here under a local slot (the
// depfile is written by this pass), shipped to a runner through the coordinator, and their
// outputs written atomically; everything else, and every failure of ferry's own machinery,
// runs the real compiler here with the user's stdio. The compiler's exit status and
// diagnostics are never changed; ferry adds at most one warning line.
#pragma once

#include "client/invocation.hpp"

namespace ferry::client {

// Runs the compile `invocation` describes (Kind::compiler) and ends the process with the
// compiler's status.
[[noreturn]] void run_wrapper(const Invocation& invocation);

} // namespace ferry::client
