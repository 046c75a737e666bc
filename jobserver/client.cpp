#include "jobserver/client.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::jobserver {

struct Token::Shared {
    Fd read;
    Fd write;
    bool implicit_free = true;
};

Token::Token(Token&& other) noexcept
    : m_kind(std::exchange(other.m_kind, Kind::none)), m_byte(other.m_byte),
      m_shared(std::move(other.m_shared)) {}

Token& Token::operator=(Token&& other) noexcept {
    if (this != &other) {
        release();
        m_kind = std::exchange(other.m_kind, Kind::none);
        m_byte = other.m_byte;
        m_shared = std::move(other.m_shared);
    }
    return *this;
}

void Token::release() {
    if (m_kind == Kind::implicit) {
        m_shared->implicit_free = true;
    } else if (m_kind == Kind::explicit_) {
        for (;;) {
            ssize_t n = ::write(m_shared->write.get(), &m_byte, 1);
            if (n == 1) break;
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) {
                // A full pipe cannot happen with a sane pool; wait rather than lose a token.
                pollfd p{m_shared->write.get(), POLLOUT, 0};
                ::poll(&p, 1, 100);
                continue;
            }
            break; // the pool is gone (EPIPE): nobody is left to give it to
        }
    }
    m_kind = Kind::none;
    m_shared.reset();
}

namespace {

bool is_pipe_like(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return false;
    return S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode);
}

// Our own description of an inherited pipe end: O_NONBLOCK on it touches nobody else.
Result<Fd> open_inherited(int fd, int flags) {
    if (::fcntl(fd, F_GETFD) < 0)
        return make_error(Errc::unavailable,
                          "jobserver fd {} is not open (a parent make starts a rule without "
                          "its jobserver unless the rule is marked with '+')",
                          fd);
    if (!is_pipe_like(fd))
        return make_error(Errc::unavailable, "jobserver fd {} is not a pipe", fd);
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    int r = ::open(path.c_str(), flags | O_NONBLOCK | O_CLOEXEC);
    if (r < 0) return errno_error("open " + path, errno);
    return Fd(r);
}

} // namespace

Result<Client> Client::from_environment() {
    const char* mf = std::getenv("MAKEFLAGS");
    return from_makeflags(mf ? mf : "");
}

Result<Client> Client::from_makeflags(std::string_view makeflags) {
    FERRY_TRY(auth, parse_makeflags(makeflags));
    if (auth->dry_run) return make_error(Errc::not_found, "make -n: no jobserver for a dry run");
    return from_auth(*auth);
}

Result<Client> Client::from_auth(const Auth& auth) {
    auto shared = std::make_shared<Token::Shared>();
    if (auth.style == Style::none) return make_error(Errc::not_found, "no jobserver in MAKEFLAGS");
    if (auth.style == Style::pipe) {
        FERRY_TRY(r, open_inherited(auth.read_fd, O_RDONLY));
        FERRY_TRY(w, open_inherited(auth.write_fd, O_WRONLY));
        shared->read = std::move(*r);
        shared->write = std::move(*w);
    } else {
        int r = ::open(auth.fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (r < 0)
            return Error{Errc::unavailable,
                         errno_error("open jobserver fifo " + auth.fifo_path, errno).message};
        shared->read.reset(r);
        if (!is_pipe_like(r))
            return make_error(Errc::unavailable, "{} is not a fifo", auth.fifo_path);
        int w = ::open(auth.fifo_path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (w < 0)
            return Error{Errc::unavailable,
                         errno_error("open jobserver fifo " + auth.fifo_path, errno).message};
        shared->write.reset(w);
    }
    Client c;
    c.m_auth = auth;
    c.m_shared = std::move(shared);
    return c;
}

int Client::poll_fd() const {
    return m_shared->read.get();
}

Result<Token> Client::try_acquire() {
    Token t;
    if (m_shared->implicit_free) {
        m_shared->implicit_free = false;
        t.m_kind = Token::Kind::implicit;
        t.m_shared = m_shared;
        return t;
    }
    for (;;) {
        char byte = 0;
        ssize_t n = ::read(m_shared->read.get(), &byte, 1);
        if (n == 1) {
            t.m_kind = Token::Kind::explicit_;
            t.m_byte = byte;
            t.m_shared = m_shared;
            return t;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return t;
        if (n == 0) return make_error(Errc::unavailable, "the jobserver pool was closed");
        return errno_error("read jobserver token", errno);
    }
}

Result<Token> Client::acquire(int cancel_fd, int timeout_ms) {
    using Clock = std::chrono::steady_clock;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
    for (;;) {
        FERRY_TRY(t, try_acquire());
        if (t->valid()) return std::move(*t);
        pollfd fds[2] = {{m_shared->read.get(), POLLIN, 0}, {cancel_fd, POLLIN, 0}};
        int wait = -1;
        if (timeout_ms >= 0) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return make_error(Errc::timeout, "no jobserver token in time");
            wait = int(left.count());
        }
        int r = ::poll(fds, cancel_fd >= 0 ? 2 : 1, wait);
        if (r < 0 && errno != EINTR) return errno_error("poll jobserver", errno);
        if (r > 0 && cancel_fd >= 0 && fds[1].revents)
            return make_error(Errc::unavailable, "cancelled while waiting for a token");
        // Readable, a timeout tick or EINTR: try again; another client may win the byte.
    }
}

} // namespace ferry::jobserver
