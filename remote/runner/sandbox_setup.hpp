// What ferryd does at start-up for sandboxed jobs: find out whether this machine can build
// the sandbox at all (user namespaces may be disabled, overlayfs missing), and, when only
// installed compilers may run, put their files in the cache so that no client has to send
// them.
#pragma once

#include "remote/runner/allowlist.hpp"
#include "remote/runner/file_cache.hpp"
#include "remote/runner/net_namespace.hpp"
#include "util/result.hpp"

#include <string>

namespace ferry::runner {

// Enters a sandbox like a job's, in a scratch directory under `state_dir`, through the
// trampoline `exec_helper`, and comes back; with `net`, joining that network namespace as a
// job it is lent to does. The error says what failed.
Result<void> check_sandbox(const std::string& exec_helper, const std::string& state_dir,
                           const NetNamespace* net = nullptr);

// One network namespace per slot for jobs to borrow (net_namespace.hpp), checked by entering
// a sandbox with the first; an empty pool (logged) if they cannot be made or joined here.
NetNamespacePool lend_network_namespaces(const std::string& exec_helper,
                                         const std::string& state_dir, size_t slots);

// Copies each installed compiler's files into `cache` (those not there yet).
void seed_cache(FileCache& cache, const CompilerAllowlist& allowlist);

} // namespace ferry::runner
