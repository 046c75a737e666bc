#include "monitor/live_screen.hpp"

#include "monitor/cluster_bars.hpp"
#include "monitor/job_table.hpp"

#include <fmt/format.h>

namespace ferry::monitor {

std::vector<std::string> render_screen(const proto::IpcJobs& snapshot,
                                       const std::string& config_source, TerminalSize size,
                                       const std::string& notice) {
    std::vector<std::string> lines;
    if (!notice.empty()) {
        lines.push_back(notice);
    } else {
        lines.push_back(status_header(snapshot.status, config_source));
        for (auto& bar : cluster_bars(snapshot.status))
            lines.push_back(std::move(bar));
        lines.emplace_back();
        const size_t top = lines.size();
        for (auto& line : format_job_table(snapshot.jobs, snapshot.now_us))
            lines.push_back(std::move(line));
        if (size.rows > 0 && lines.size() > size.rows && size.rows > top) {
            // Keep the top and as many jobs as fit, and say how many are not shown.
            const size_t hidden = lines.size() - size.rows + 1;
            lines.resize(size.rows - 1);
            lines.push_back(fmt::format("... and {} more", hidden));
        }
    }
    if (size.rows > 0 && lines.size() > size.rows) lines.resize(size.rows);
    for (auto& line : lines)
        line = fit_width(line, size.columns);
    return lines;
}

std::string draw_screen(const std::vector<std::string>& lines) {
    std::string out = "\x1b[H";
    for (size_t i = 0; i < lines.size(); ++i) {
        out += lines[i];
        out += "\x1b[K";
        // No newline after the last row: on the bottom line it would scroll the screen.
        if (i + 1 < lines.size()) out += "\r\n";
    }
    out += "\x1b[J";
    return out;
}

} // namespace ferry::monitor
