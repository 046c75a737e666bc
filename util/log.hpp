// One logger for the daemons (ferryd, the coordinator): a line per event with a timestamp,
// to stderr or a --log-file. The wrapper does not log; it prints at most one warning line.
#pragma once

#include <fmt/format.h>
#include <string>

namespace ferry::log {

enum class Level { debug = 0, info = 1, warning = 2, error = 3 };

void set_level(Level level);
Level level();
// Appends to `path` (created 0644) instead of stderr. Returns false with errno set on failure.
bool set_file(const std::string& path);
void set_program(std::string name);
void write(Level level, std::string_view message);

template <typename... Args> void debug(fmt::format_string<Args...> f, Args&&... args) {
    if (level() <= Level::debug) write(Level::debug, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void info(fmt::format_string<Args...> f, Args&&... args) {
    if (level() <= Level::info) write(Level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void warning(fmt::format_string<Args...> f, Args&&... args) {
    write(Level::warning, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args> void error(fmt::format_string<Args...> f, Args&&... args) {
    write(Level::error, fmt::format(f, std::forward<Args>(args)...));
}

} // namespace ferry::log
