#include "remote/runner/net_namespace.hpp"

#include "remote/runner/net_namespace_maker.hpp"
#include "remote/runner/sandbox.hpp"
#include "util/subprocess.hpp"

#include <cerrno>
#include <cstring>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

namespace ferry::runner {

std::vector<int> NetNamespace::pass_order() const {
    static_assert(kJoinNetUserFd == 3 && kJoinNetNetFd == 4, "passed as fds 3 and 4");
    return {user.get(), net.get()};
}

Result<NetNamespace> make_net_namespace(const std::string& exec_helper) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
        return errno_error("socketpair", errno);
    Fd mine(pair[0]), theirs(pair[1]);
    RunOptions run;
    run.program = exec_helper;
    run.argv = {"ferryd", kMakeNetFlag};
    run.pass_fds = {theirs.get()};
    FERRY_TRY(made, run_process(run));
    theirs.reset();
    if (made->shell_status() != 0) {
        std::string why = made->err.substr(0, made->err.find('\n'));
        return make_error(Errc::unavailable, "{}",
                          why.empty() ? fmt::format("{} {} exited with status {}", exec_helper,
                                                    kMakeNetFlag, made->shell_status())
                                      : why);
    }
    // The message waits in the socket, fds and all, after its sender is gone.
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t got = ::recvmsg(mine.get(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (got < 0) return errno_error("receive a network namespace", errno);
    cmsghdr* cmsg = got == 1 ? CMSG_FIRSTHDR(&msg) : nullptr;
    if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS ||
        cmsg->cmsg_len != CMSG_LEN(2 * sizeof(int)) || (msg.msg_flags & MSG_CTRUNC))
        return make_error(Errc::io, "receive a network namespace: no namespaces in the message");
    int fds[2];
    std::memcpy(fds, CMSG_DATA(cmsg), sizeof fds);
    NetNamespace ns;
    ns.user = Fd(fds[0]);
    ns.net = Fd(fds[1]);
    // What a job will join, checked here rather than found out by every job's setns.
    if (::ioctl(ns.user.get(), NS_GET_NSTYPE) != CLONE_NEWUSER ||
        ::ioctl(ns.net.get(), NS_GET_NSTYPE) != CLONE_NEWNET)
        return make_error(Errc::io, "{} {} sent fds that are not a user and a network namespace",
                          exec_helper, kMakeNetFlag);
    return ns;
}

NetNamespacePool NetNamespacePool::make(const std::string& exec_helper, size_t count,
                                        std::optional<Error>* failure) {
    NetNamespacePool pool;
    for (size_t i = 0; i < count; ++i) {
        auto ns = make_net_namespace(exec_helper);
        if (!ns) {
            if (failure) *failure = ns.error();
            break;
        }
        pool.m_free.push_back(std::move(*ns));
        ++pool.m_made;
    }
    return pool;
}

std::optional<NetNamespace> NetNamespacePool::take() {
    if (m_free.empty()) return std::nullopt;
    NetNamespace ns = std::move(m_free.back());
    m_free.pop_back();
    return ns;
}

void NetNamespacePool::give(NetNamespace ns) {
    m_free.push_back(std::move(ns));
}

} // namespace ferry::runner
