#include "util/unix_socket.hpp"

#include "util/fs.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

namespace ferry {
namespace {

// The address of `path` for bind/connect. sun_path holds 108 bytes and a runtime directory
// can be deeper than that allows, so a long path is reached through a descriptor of its
// directory, as /proc/self/fd/N/NAME: the kernel resolves that like any path (magic link to
// the directory), on every Linux with /proc, with no chdir (which would race with anything
// else this process does). `dir` must stay open until bind/connect returns.
struct UnixAddress {
    sockaddr_un addr{};
    Fd dir;
};

Result<UnixAddress> unix_address(const std::string& path, int& err) {
    UnixAddress out;
    out.addr.sun_family = AF_UNIX;
    std::string spelled = path;
    if (spelled.size() >= sizeof out.addr.sun_path) {
        const std::string dir = dirname(path);
        out.dir = Fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!out.dir) {
            err = errno; // a missing directory means nobody listens, as with a short path
            return errno_error("open " + dir, err);
        }
        spelled = fmt::format("/proc/self/fd/{}/{}", out.dir.get(), basename(path));
    }
    if (spelled.size() >= sizeof out.addr.sun_path)
        return make_error(Errc::invalid, "socket path too long: {}", path);
    std::memcpy(out.addr.sun_path, spelled.c_str(), spelled.size() + 1);
    return out;
}

const sockaddr* address_of(const UnixAddress& a) {
    return reinterpret_cast<const sockaddr*>(&a.addr);
}

} // namespace

Result<Fd> connect_unix(const std::string& path, int& err) {
    err = 0;
    FERRY_TRY(addr, unix_address(path, err));
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return errno_error("socket", errno);
    int rc;
    do {
        rc = ::connect(fd.get(), address_of(*addr), sizeof addr->addr);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        err = errno;
        return errno_error("connect " + path, err);
    }
    return fd;
}

Result<Fd> listen_unix(const std::string& path, int backlog) {
    int err = 0;
    FERRY_TRY(addr, unix_address(path, err));
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return errno_error("socket", errno);
    if (::bind(fd.get(), address_of(*addr), sizeof addr->addr) != 0)
        return errno_error("bind " + path, errno);
    if (::listen(fd.get(), backlog) != 0) return errno_error("listen " + path, errno);
    return fd;
}

} // namespace ferry
