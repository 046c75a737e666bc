#include "util/log.hpp"

#include "util/fd.hpp"

#include <ctime>
#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

namespace ferry::log {
namespace {
Level g_level = Level::info;
Fd g_file;
std::string g_program = "ferry";
} // namespace

void set_level(Level l) {
    g_level = l;
}
Level level() {
    return g_level;
}
void set_program(std::string name) {
    g_program = std::move(name);
}

bool set_file(const std::string& path) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!fd) return false;
    g_file = std::move(fd);
    return true;
}

void write(Level l, std::string_view message) {
    static const char* names[] = {"debug", "info", "warning", "error"};
    timeval tv{};
    ::gettimeofday(&tv, nullptr);
    tm local{};
    ::localtime_r(&tv.tv_sec, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
    std::string line = fmt::format("{}.{:03d} {}[{}] {}: {}\n", stamp, tv.tv_usec / 1000, g_program,
                                   ::getpid(), names[static_cast<int>(l)], message);
    int fd = g_file ? g_file.get() : STDERR_FILENO;
    // One write() per line so lines from concurrent processes appending the same file
    // never interleave.
    [[maybe_unused]] auto n = ::write(fd, line.data(), line.size());
}

} // namespace ferry::log
