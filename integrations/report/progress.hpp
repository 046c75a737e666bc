// The progress of a build while it runs, shown in the terminal's title (OSC 2), never on a
// line of its own. make and the compilers write to the same terminal at any moment and we
// cannot see when: a status line of ours would land in the middle of their lines, and
// erasing it could erase theirs. The title is out of that stream, so nothing they print is
// ever garbled. The title the user had is pushed at the start and popped at the end (xterm's
// title stack; terminals without one ignore both sequences). Only when stderr is a
// terminal, TERM is not "dumb", and --quiet was not given.
#pragma once

#include "integrations/report/build_watch.hpp"

#include <string>

namespace ferry::integrations::report {

// "ferry: 37 done, 6 running, 12 queued"
std::string progress_text(const LiveCounts& counts);

class TitleProgress {
  public:
    // Writes to `fd` (stderr); `enabled` false makes every call a no-op.
    TitleProgress(int fd, bool enabled);
    ~TitleProgress(); // restores the title
    TitleProgress(const TitleProgress&) = delete;
    TitleProgress& operator=(const TitleProgress&) = delete;

    // From the watch thread; redraws only when the text changed.
    void show(const LiveCounts& counts);
    void restore();

  private:
    void write_all(const std::string& bytes);
    int m_fd;
    bool m_enabled;
    bool m_pushed = false;
    std::string m_last;
};

// True when a progress title makes sense on `fd`.
bool terminal_wants_progress(int fd);

} // namespace ferry::integrations::report
