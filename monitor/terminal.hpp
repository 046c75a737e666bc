// The terminal under `ferry mon`'s live view. Plain ANSI escape sequences, not curses: the
// view needs only a handful (alternate screen, cursor off/on, home, clear to end of line and
// of screen), which every terminal ferry meets understands (xterm and its kin, the Linux
// console, tmux, screen), and it spares the program a library and a terminfo lookup. The
// size comes from TIOCGWINSZ, re-read on SIGWINCH.
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <csignal>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace ferry::monitor {

struct TerminalSize {
    size_t columns = 80;
    size_t rows = 24;
};

// The size of the terminal on `fd`; 80x24 if it says nothing (or 0x0, as a fresh pty may).
TerminalSize terminal_size(int fd);

// Writes all of `bytes` to `fd` (retrying short writes and EINTR).
Result<void> write_all(int fd, std::string_view bytes);

// While alive: the alternate screen with the cursor hidden, so the user's scrollback is left
// as it was. The destructor restores both, on every way out of the live view.
class AlternateScreen {
  public:
    explicit AlternateScreen(int fd);
    AlternateScreen(const AlternateScreen&) = delete;
    AlternateScreen& operator=(const AlternateScreen&) = delete;
    ~AlternateScreen();

  private:
    int m_fd;
};

// Turns signals into bytes on a pipe (the self-pipe trick), so the refresh loop waits on
// one descriptor for "time to refresh", "stop" and "resized" alike, and a SIGINT unwinds
// through the destructors that restore the screen instead of killing the process mid-frame.
// The previous handlers come back with the destructor. One instance at a time: a signal
// handler can only reach it through a global.
class SignalPipe {
  public:
    static Result<SignalPipe> create(std::initializer_list<int> signals);
    SignalPipe(SignalPipe&& other) noexcept;
    SignalPipe& operator=(SignalPipe&&) = delete;
    SignalPipe(const SignalPipe&) = delete;
    ~SignalPipe();

    int fd() const { return m_pipe.read.get(); }
    // The signals delivered since the last call, in order (the pipe drained).
    std::vector<int> take();

  private:
    SignalPipe() = default;
    Pipe m_pipe;
    std::vector<std::pair<int, struct sigaction>> m_saved;
};

} // namespace ferry::monitor
