// `ferry mon SECONDS` on a terminal: the whole picture redrawn in place at every refresh —
// the header, a bar per runner, the local slots, the queue, then the jobs table — cut to the
// terminal's width and height. render_screen() is pure (what the screen shows, tested);
// draw_screen() turns it into escape sequences (see terminal.hpp for why plain ANSI).
#pragma once

#include "ipc/messages.hpp"
#include "monitor/terminal.hpp"

#include <string>
#include <vector>

namespace ferry::monitor {

// The screen's lines, at most `size.rows`, each at most `size.columns` wide. Jobs that do
// not fit are counted on the last line. `notice` (e.g. the coordinator went away) replaces
// the picture when non-empty.
std::vector<std::string> render_screen(const proto::IpcJobs& snapshot,
                                       const std::string& config_source, TerminalSize size,
                                       const std::string& notice = {});

// Home, each line followed by clear-to-end-of-line, then clear the rest: no flicker from a
// full clear at every refresh.
std::string draw_screen(const std::vector<std::string>& lines);

} // namespace ferry::monitor
