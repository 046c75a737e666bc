#include "remote/runner/net_namespace_maker.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace ferry::runner {
namespace {

[[noreturn]] void fail(const char* step) {
    std::fprintf(stderr, "ferryd: network namespace: %s: %s\n", step, std::strerror(errno));
    ::_exit(1);
}

void write_text(const char* path, const std::string& text) {
    int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail(path);
    if (::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) fail(path);
    ::close(fd);
}

} // namespace

void make_and_send_net_namespace(int sock) {
    const std::string uid = std::to_string(::geteuid()), gid = std::to_string(::getegid());
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) fail("unshare");
    write_text("/proc/self/setgroups", "deny");
    write_text("/proc/self/uid_map", uid + " " + uid + " 1\n");
    write_text("/proc/self/gid_map", gid + " " + gid + " 1\n");
    int fds[2] = {::open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC),
                  ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)};
    if (fds[0] < 0 || fds[1] < 0) fail("open /proc/self/ns");
    char byte = 'n';
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof fds);
    std::memcpy(CMSG_DATA(cmsg), fds, sizeof fds);
    if (::sendmsg(sock, &msg, MSG_NOSIGNAL) != 1) fail("send");
    ::_exit(0);
}

} // namespace ferry::runner
