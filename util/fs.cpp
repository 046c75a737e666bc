#include "util/fs.hpp"

#include "util/fd.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ferry {

Result<std::string> read_file(const std::string& path, size_t max_size) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return errno_error("open " + path, errno);
    return read_fd(fd.get(), max_size, path);
}

// The rest of `fd`, whose fstat is `st` (its size bounds the read up front and sizes the
// buffer).
static Result<std::string> read_stated(int fd, const struct stat& st, size_t max_size,
                                       std::string_view name) {
    if (static_cast<size_t>(st.st_size) > max_size)
        return make_error(Errc::invalid, "{}: {} bytes is over the limit of {}", name, st.st_size,
                          max_size);
    std::string data;
    data.reserve(static_cast<size_t>(st.st_size));
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_error(fmt::format("read {}", name), errno);
        }
        if (n == 0) break;
        data.append(buf, static_cast<size_t>(n));
        if (data.size() > max_size)
            return make_error(Errc::invalid, "{}: over the limit of {} bytes", name, max_size);
    }
    return data;
}

Result<std::string> read_regular_file(const std::string& path, size_t max_size) {
    // Looked at before it is opened: opening a device can act (a watchdog arms, a tape
    // rewinds), and a build's `#include` may name one.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return errno_error("stat " + path, errno);
    if (!S_ISREG(st.st_mode)) return make_error(Errc::invalid, "{} is not a regular file", path);
    // Swapped for a FIFO since: O_NONBLOCK keeps the open from waiting for a writer (it
    // changes nothing for a regular file), and the open file is looked at again.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd) return errno_error("open " + path, errno);
    if (::fstat(fd.get(), &st) != 0) return errno_error("stat " + path, errno);
    if (!S_ISREG(st.st_mode)) return make_error(Errc::invalid, "{} is not a regular file", path);
    return read_stated(fd.get(), st, max_size, path);
}

Result<std::string> read_fd(int fd, size_t max_size, std::string_view name) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return errno_error(fmt::format("stat {}", name), errno);
    return read_stated(fd, st, max_size, name);
}

static Result<void> write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_error("write " + path, errno);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return ok();
}

Result<void> write_file(const std::string& path, std::string_view data, unsigned mode) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd) return errno_error("create " + path, errno);
    return write_all(fd.get(), data, path);
}

Result<void> write_file_atomic(const std::string& path, std::string_view data, unsigned mode) {
    std::string tmp = path + ".ferry-tmp-XXXXXX";
    std::vector<char> name(tmp.begin(), tmp.end());
    name.push_back('\0');
    Fd fd(::mkostemp(name.data(), O_CLOEXEC));
    if (!fd) return errno_error("create temporary file for " + path, errno);
    std::string tmp_path(name.data());
    auto written = write_all(fd.get(), data, tmp_path);
    if (written && ::fchmod(
                       fd.get(), mode & ~[] {
                           mode_t m = ::umask(0);
                           ::umask(m);
                           return m;
                       }()) != 0)
        written = errno_error("chmod " + tmp_path, errno);
    if (written && ::rename(tmp_path.c_str(), path.c_str()) != 0)
        written = errno_error("rename to " + path, errno);
    if (!written) ::unlink(tmp_path.c_str());
    return written;
}

Result<void> make_dirs(const std::string& path, unsigned mode) {
    if (path.empty()) return ok();
    std::string partial;
    size_t pos = 0;
    while (pos != std::string::npos) {
        size_t next = path.find('/', pos + 1);
        partial = path.substr(0, next);
        pos = next;
        if (partial.empty() || partial == "/") continue;
        if (::mkdir(partial.c_str(), mode) != 0 && errno != EEXIST)
            return errno_error("mkdir " + partial, errno);
    }
    return ok();
}

std::vector<std::string_view> path_components(std::string_view path) {
    std::vector<std::string_view> parts;
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        if (j > i) parts.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return parts;
}

bool is_normal_absolute(std::string_view path) {
    if (path.empty() || path[0] != '/') return false;
    if (path.size() == 1) return true;
    size_t start = 1;
    for (;;) {
        size_t end = path.find('/', start);
        std::string_view part =
            path.substr(start, end == std::string_view::npos ? path.npos : end - start);
        if (part.empty() || part == "." || part == "..") return false;
        if (end == std::string_view::npos) return true;
        start = end + 1;
    }
}

std::string normalize_path(std::string_view path) {
    if (is_normal_absolute(path)) return std::string(path);
    const bool absolute = !path.empty() && path[0] == '/';
    std::vector<std::string_view> out;
    for (auto part : path_components(path)) {
        if (part == ".") continue;
        if (part == "..") {
            if (!out.empty() && out.back() != "..") {
                out.pop_back();
                continue;
            }
            if (absolute) continue; // "/.." is "/"
        }
        out.push_back(part);
    }
    std::string result = absolute ? "/" : "";
    for (size_t i = 0; i < out.size(); ++i) {
        if (i) result += '/';
        result += out[i];
    }
    if (result.empty()) result = ".";
    return result;
}

std::string absolute_path(std::string_view cwd, std::string_view path) {
    if (!path.empty() && path[0] == '/') return normalize_path(path);
    return normalize_path(std::string(cwd) + "/" + std::string(path));
}

bool stays_within(std::string_view path, int start_depth) {
    int depth = (!path.empty() && path[0] == '/') ? 0 : start_depth;
    for (auto part : path_components(path)) {
        if (part == ".") continue;
        depth += part == ".." ? -1 : 1;
        if (depth < 0) return false;
    }
    return true;
}

int path_depth(std::string_view normalized_absolute) {
    // One component after each '/' but the root's own.
    if (normalized_absolute.size() <= 1) return 0;
    return static_cast<int>(
        std::count(normalized_absolute.begin(), normalized_absolute.end(), '/'));
}

std::string dirname(std::string_view path) {
    auto slash = path.rfind('/');
    if (slash == std::string_view::npos) return ".";
    if (slash == 0) return "/";
    return std::string(path.substr(0, slash));
}

std::string basename(std::string_view path) {
    auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string join_path(std::string_view a, std::string_view b) {
    if (a.empty() || (!b.empty() && b[0] == '/')) return std::string(b);
    std::string r(a);
    if (r.back() != '/') r += '/';
    r += b;
    return r;
}

std::string find_in_path(std::string_view name, std::string_view path_env,
                         bool (*skip)(const std::string& candidate)) {
    size_t i = 0;
    while (i <= path_env.size()) {
        size_t j = path_env.find(':', i);
        if (j == std::string_view::npos) j = path_env.size();
        std::string dir(path_env.substr(i, j - i));
        i = j + 1;
        if (dir.empty()) dir = "."; // POSIX: an empty PATH entry is the current directory
        std::string candidate = dir + "/" + std::string(name);
        struct stat st {};
        if (::stat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (::access(candidate.c_str(), X_OK) != 0) continue;
        if (skip && skip(candidate)) continue;
        return candidate;
    }
    return {};
}

} // namespace ferry
