#include "monitor/terminal.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace ferry::monitor {
namespace {

// The write end of the live SignalPipe, for the handler (async-signal-safe: write only).
volatile sig_atomic_t g_signal_fd = -1;

void on_signal(int signo) {
    const int saved = errno;
    const char byte = static_cast<char>(signo);
    if (g_signal_fd >= 0) (void)!::write(g_signal_fd, &byte, 1);
    errno = saved;
}

} // namespace

TerminalSize terminal_size(int fd) {
    TerminalSize size;
    struct winsize ws {};
    if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        size.columns = ws.ws_col;
        size.rows = ws.ws_row;
    }
    return size;
}

Result<void> write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return make_error(Errc::io, "write: {}", std::strerror(errno));
        }
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return ok();
}

// 1049: alternate screen (saving the cursor); 25: cursor visibility.
AlternateScreen::AlternateScreen(int fd) : m_fd(fd) {
    (void)write_all(m_fd, "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J");
}

AlternateScreen::~AlternateScreen() {
    (void)write_all(m_fd, "\x1b[?25h\x1b[?1049l");
}

Result<SignalPipe> SignalPipe::create(std::initializer_list<int> signals) {
    if (g_signal_fd >= 0) return make_error(Errc::internal, "a SignalPipe is already active");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
        return make_error(Errc::io, "pipe: {}", std::strerror(errno));
    SignalPipe sp;
    sp.m_pipe.read = Fd(fds[0]);
    sp.m_pipe.write = Fd(fds[1]);
    g_signal_fd = sp.m_pipe.write.get();
    for (int signo : signals) {
        struct sigaction action {};
        action.sa_handler = on_signal;
        sigemptyset(&action.sa_mask);
        // No SA_RESTART: a blocking call returns EINTR and the loop sees the byte sooner.
        struct sigaction old {};
        if (::sigaction(signo, &action, &old) != 0)
            return make_error(Errc::io, "sigaction: {}", std::strerror(errno));
        sp.m_saved.emplace_back(signo, old);
    }
    return sp;
}

SignalPipe::SignalPipe(SignalPipe&& other) noexcept
    : m_pipe(std::move(other.m_pipe)), m_saved(std::move(other.m_saved)) {
    other.m_saved.clear();
}

SignalPipe::~SignalPipe() {
    if (!m_pipe.write.valid()) return; // moved from
    for (auto& [signo, old] : m_saved)
        ::sigaction(signo, &old, nullptr);
    g_signal_fd = -1;
}

std::vector<int> SignalPipe::take() {
    std::vector<int> signals;
    char buf[64];
    ssize_t n;
    while ((n = ::read(m_pipe.read.get(), buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; ++i)
            signals.push_back(static_cast<unsigned char>(buf[i]));
    return signals;
}

} // namespace ferry::monitor
