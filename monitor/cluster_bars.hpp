// The top of `ferry mon`'s live view: a header (coordinator, capacity), one bar per runner
// showing its busy and total slots (`r1  [###...] 3/6  up`), the local slots' bar and the
// queue. Pure formatting of an IpcStatus, unit-tested without a terminal.
#pragma once

#include "ipc/messages.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ferry::monitor {

// Bars are one cell per slot up to this; wider pools are scaled to it.
inline constexpr uint32_t kMaxBarCells = 32;

// `[###...]`: `busy` of `total` slots (busy above total shows as full).
std::string slot_bar(uint32_t busy, uint32_t total);

// "ferry mon: coordinator pid N, hosts from SRC, capacity R remote + L local slots".
std::string status_header(const proto::IpcStatus& status, const std::string& config_source);

// One line per runner, then the local line and the queue line, names aligned.
std::vector<std::string> cluster_bars(const proto::IpcStatus& status);

} // namespace ferry::monitor
