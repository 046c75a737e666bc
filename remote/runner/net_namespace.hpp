// Network namespaces made once and lent to one job at a time. A new network namespace is the
// dearest namespace of a job's sandbox: the kernel registers a loopback device and the
// per-network sysctl tables at its creation, and tears them down afterwards in a worker under
// a global lock (0.8 of the 3.2 ms of machine CPU a job's sandbox cost, bench/sandbox_cost;
// and the lock serialises jobs on a many-core runner). ferryd makes one per slot at start-up, each
// inside a user namespace of its own that owns it, and ferryd-exec joins the one lent to its job
// before it makes the job's own user, mount, pid, ipc and uts namespaces (sandbox.cpp). The job's
// user namespace is a child of the lender's, so the job holds no capability over the network
// namespace: it cannot bring the loopback device up, add an address or change a sysctl. What a job
// can leave behind there — a socket — dies with its processes, and the pid namespace kills all of
// them before ferryd sees the job end; only then is the namespace lent again. A job ferryd killed
// may still have processes dying: its namespace is replaced (docs/sandbox.md).
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ferry::runner {

struct NetNamespace {
    Fd user; // the user namespace that owns `net`: joined first, it gives the right to join
    Fd net;
    // The fds to pass to ferryd-exec, in the order it takes them (kJoinNetUserFd, then
    // kJoinNetNetFd: sandbox.hpp).
    std::vector<int> pass_order() const;
};

// Makes a user namespace (this process's user and group mapped to themselves) with a network
// namespace of its own, in `exec_helper --make-net` (net_namespace_maker.hpp), and returns
// both as fds.
Result<NetNamespace> make_net_namespace(const std::string& exec_helper);

class NetNamespacePool {
  public:
    NetNamespacePool() = default;
    // Makes `count`; stops at the first failure, which is returned with those made so far
    // kept (a job that finds the pool empty makes its own namespace, as without one).
    static NetNamespacePool make(const std::string& exec_helper, size_t count,
                                 std::optional<Error>* failure);

    // One namespace no job uses, or nullopt.
    std::optional<NetNamespace> take();
    // Back from a job whose processes are all gone.
    void give(NetNamespace ns);
    size_t available() const { return m_free.size(); }
    size_t made() const { return m_made; }

  private:
    std::vector<NetNamespace> m_free;
    size_t m_made = 0;
};

} // namespace ferry::runner
