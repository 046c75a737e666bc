// The jobs table of `ferry mon`: one line per job in flight, the way distccmon-text shows
// them — the wrapper's pid, its phase as a word, where it runs (`host[slot]`), how long it
// has been in that phase, and the source file. Pure formatting of an IpcJobs snapshot, so the
// plain output and the live screen print the same lines and tests need no coordinator.
#pragma once

#include "ipc/messages.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::monitor {

// "scanning", "queued", "sending", "compiling", "receiving", "local", "waiting" (between
// steps), "slot-wait" (for a local slot); an unknown phase is shown as it came.
std::string phase_word(std::string_view phase);

// `r1[2]`, `local[0]`, `r1` without a slot, `-` while it is on no lane (queued).
std::string job_place(const proto::JobView& job);

// A phase's age: `0.4s`, `12.3s`, `2m05s`, `1h02m`. A start after `now` counts as 0.
std::string format_duration(uint64_t start_us, uint64_t now_us);

// The column headings, then one line per unfinished job (oldest first); "no jobs in flight"
// when there are none. Source paths come last so that a narrow screen cuts only them.
std::vector<std::string> format_job_table(const std::vector<proto::JobView>& jobs, uint64_t now_us);

// `line` cut to `width` columns (0: no limit). Counts bytes, cutting only at UTF-8
// character boundaries, so a cut never leaves half a character on the terminal.
std::string fit_width(std::string_view line, size_t width);

} // namespace ferry::monitor
