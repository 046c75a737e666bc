#include "jobserver/token_pool.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace ferry::jobserver {
namespace {

// GNU make writes '+'; clients write back whatever they read, so any byte works.
constexpr char kToken = '+';

// A new open file description of the object behind `fd` (pipe or fifo), so flags a child
// sets on its copy (make 4.3: O_NONBLOCK) never reach ours.
Result<Fd> reopen(int fd, int flags) {
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    int r = ::open(path.c_str(), flags | O_CLOEXEC);
    if (r < 0) return errno_error("open " + path, errno);
    return Fd(r);
}

} // namespace

Result<TokenPool> TokenPool::create_pipe(uint32_t size) {
    FERRY_TRY(pipe, make_pipe());
    Fd r = std::move(pipe->read), w = std::move(pipe->write);
    TokenPool pool;
    // Our read side: a separate description, non-blocking, so reclaim() never waits.
    FERRY_TRY(ours, reopen(r.get(), O_RDONLY | O_NONBLOCK));
    pool.m_read = std::move(*ours);
    FERRY_TRY(ourw, reopen(w.get(), O_WRONLY | O_NONBLOCK));
    pool.m_write = std::move(*ourw);
    FERRY_TRY_VOID(pool.set_size(size));
    return pool;
}

Result<TokenPool> TokenPool::create_fifo(uint32_t size, const std::string& dir) {
    FERRY_TRY(tmp, TempDir::create(dir, "ferry-jobserver-"));
    TokenPool pool;
    std::string path = tmp->path() + "/fifo";
    pool.m_dir.emplace(std::move(*tmp));
    if (::mkfifo(path.c_str(), 0600) != 0) return errno_error("mkfifo " + path, errno);
    // mkfifo honours the umask; 0600 is the contract whatever the umask says.
    if (::chmod(path.c_str(), 0600) != 0) return errno_error("chmod " + path, errno);
    pool.m_fifo_path = path;
    int r = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (r < 0) return errno_error("open " + path, errno);
    pool.m_read.reset(r);
    // We hold both ends for the pool's lifetime: a fifo with no open end loses its content.
    int w = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (w < 0) return errno_error("open " + path, errno);
    pool.m_write.reset(w);
    FERRY_TRY_VOID(pool.set_size(size));
    return pool;
}

TokenPool::TokenPool(TokenPool&& other) noexcept
    : m_read(std::move(other.m_read)), m_write(std::move(other.m_write)),
      m_dir(std::exchange(other.m_dir, std::nullopt)),
      m_fifo_path(std::exchange(other.m_fifo_path, {})), m_target(std::exchange(other.m_target, 0)),
      m_issued(std::exchange(other.m_issued, 0)) {}

TokenPool& TokenPool::operator=(TokenPool&& other) noexcept {
    if (this != &other) {
        if (!m_fifo_path.empty()) ::unlink(m_fifo_path.c_str());
        m_read = std::move(other.m_read);
        m_write = std::move(other.m_write);
        m_dir = std::exchange(other.m_dir, std::nullopt);
        m_fifo_path = std::exchange(other.m_fifo_path, {});
        m_target = std::exchange(other.m_target, 0);
        m_issued = std::exchange(other.m_issued, 0);
    }
    return *this;
}

// The fifo goes first, then its directory (TempDir); the fds close last, which is harmless.
TokenPool::~TokenPool() {
    if (!m_fifo_path.empty()) ::unlink(m_fifo_path.c_str());
}

Result<Fd> TokenPool::child_read_fd() const {
    if (is_fifo()) return make_error(Errc::invalid, "a fifo pool is opened by path");
    return reopen(m_read.get(), O_RDONLY);
}

Result<Fd> TokenPool::child_write_fd() const {
    if (is_fifo()) return make_error(Errc::invalid, "a fifo pool is opened by path");
    return reopen(m_write.get(), O_WRONLY);
}

Result<void> TokenPool::write_tokens(uint32_t n) {
    std::string bytes(n, kToken);
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t w = ::write(m_write.get(), bytes.data() + done, bytes.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            m_issued += uint32_t(done);
            // A full pipe (64 KiB of tokens) is a pool far beyond any real cluster.
            return errno_error("write jobserver tokens", errno);
        }
        done += size_t(w);
    }
    m_issued += n;
    return ok();
}

Result<void> TokenPool::set_size(uint32_t size) {
    m_target = size > 0 ? size - 1 : 0;
    if (m_issued < m_target) return write_tokens(m_target - m_issued);
    return reclaim();
}

Result<void> TokenPool::reclaim() {
    while (m_issued > m_target) {
        char buf[256];
        size_t want = std::min<size_t>(sizeof buf, m_issued - m_target);
        ssize_t n = ::read(m_read.get(), buf, want);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return ok();
        if (n < 0) return errno_error("read jobserver tokens", errno);
        if (n == 0) return ok();
        m_issued -= uint32_t(n);
    }
    return ok();
}

Result<Accounting> TokenPool::drain() {
    Accounting acc;
    acc.expected = m_issued;
    for (;;) {
        char buf[4096];
        ssize_t n = ::read(m_read.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n < 0) return errno_error("read jobserver tokens", errno);
        if (n == 0) break;
        acc.returned += uint32_t(n);
    }
    m_issued = 0;
    m_target = 0;
    return acc;
}

} // namespace ferry::jobserver
