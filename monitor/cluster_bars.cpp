#include "monitor/cluster_bars.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ferry::monitor {

std::string slot_bar(uint32_t busy, uint32_t total) {
    const uint32_t cells = std::min(total, kMaxBarCells);
    const uint32_t clamped = std::min(busy, total);
    // Round up, so one busy slot of a large pool still shows.
    const uint32_t filled =
        total == 0 ? 0 : static_cast<uint32_t>((uint64_t{clamped} * cells + total - 1) / total);
    return "[" + std::string(filled, '#') + std::string(cells - filled, '.') + "]";
}

std::string status_header(const proto::IpcStatus& status, const std::string& config_source) {
    return fmt::format("ferry mon: coordinator pid {}, hosts from {}, capacity {} remote + {} "
                       "local slots",
                       status.pid, config_source.empty() ? "(none)" : config_source,
                       status.remote_capacity, status.local_slots);
}

std::vector<std::string> cluster_bars(const proto::IpcStatus& status) {
    size_t name_width = 5; // "local"
    uint32_t bar_cells = 0;
    for (const auto& r : status.runners) {
        name_width = std::max(name_width, r.name.size());
        bar_cells = std::max(bar_cells, std::min(r.slots, kMaxBarCells));
    }
    bar_cells = std::max(bar_cells, std::min(status.local_slots, kMaxBarCells));
    const size_t bar_width = bar_cells + 2;

    std::vector<std::string> lines;
    for (const auto& r : status.runners) {
        std::string state = r.state;
        if (r.state == "backoff" && r.backoff_ms > 0)
            state += fmt::format(" (retry in {:.1f}s)", static_cast<double>(r.backoff_ms) / 1000);
        if (!r.last_error.empty() && r.state != "up") state += ": " + r.last_error;
        lines.push_back(fmt::format("{:<{}}  {:<{}} {:>3}/{:<3} {}", r.name, name_width,
                                    slot_bar(r.in_flight, r.slots), bar_width, r.in_flight, r.slots,
                                    state));
    }
    lines.push_back(fmt::format("{:<{}}  {:<{}} {:>3}/{:<3}", "local", name_width,
                                slot_bar(status.local_in_use, status.local_slots), bar_width,
                                status.local_in_use, status.local_slots));
    lines.push_back(fmt::format("queued: {}", status.queued));
    return lines;
}

} // namespace ferry::monitor
