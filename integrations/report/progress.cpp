#include "integrations/report/progress.hpp"

#include <cerrno>
#include <cstdlib>
#include <fmt/format.h>
#include <string_view>
#include <unistd.h>

namespace ferry::integrations::report {

std::string progress_text(const LiveCounts& c) {
    return fmt::format("ferry: {} done, {} running, {} queued", c.done, c.running, c.queued);
}

bool terminal_wants_progress(int fd) {
    if (!::isatty(fd)) return false;
    const char* term = std::getenv("TERM");
    return term && *term && std::string_view(term) != "dumb";
}

TitleProgress::TitleProgress(int fd, bool enabled) : m_fd(fd), m_enabled(enabled) {}

TitleProgress::~TitleProgress() {
    restore();
}

void TitleProgress::write_all(const std::string& bytes) {
    // One write() per sequence, so no other writer's bytes can split it.
    std::string_view rest = bytes;
    while (!rest.empty()) {
        ssize_t n = ::write(m_fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        rest.remove_prefix(size_t(n));
    }
}

void TitleProgress::show(const LiveCounts& counts) {
    if (!m_enabled) return;
    std::string text = progress_text(counts);
    if (text == m_last) return;
    if (!m_pushed) {
        write_all("\033[22;2t"); // save the title on xterm's stack
        m_pushed = true;
    }
    m_last = text;
    write_all("\033]2;" + text + "\007");
}

void TitleProgress::restore() {
    if (!m_enabled || !m_pushed) return;
    write_all("\033[23;2t");
    m_pushed = false;
}

} // namespace ferry::integrations::report
