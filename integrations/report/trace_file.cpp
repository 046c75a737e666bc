#include "integrations/report/trace_file.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ferry::integrations::report {

Result<TraceFile> TraceFile::reserve(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return make_error(Errc::invalid, "--trace {}: is a directory", path);
    std::string pattern = path + ".ferry-tmp-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    Fd fd(::mkostemp(name.data(), O_CLOEXEC));
    if (!fd) {
        Error e = errno_error("--trace " + path + ": cannot create a file there", errno);
        e.code = Errc::io;
        return e;
    }
    return TraceFile(path, std::string(name.data()), std::move(fd));
}

TraceFile::TraceFile(TraceFile&& other) noexcept
    : m_path(std::move(other.m_path)), m_temp(std::exchange(other.m_temp, {})),
      m_fd(std::move(other.m_fd)) {}

TraceFile::~TraceFile() {
    if (!m_temp.empty()) ::unlink(m_temp.c_str());
}

Result<void> TraceFile::commit(std::string_view contents) {
    if (m_temp.empty()) return make_error(Errc::internal, "trace already written");
    while (!contents.empty()) {
        ssize_t n = ::write(m_fd.get(), contents.data(), contents.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_error("write " + m_temp, errno);
        contents.remove_prefix(size_t(n));
    }
    mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(m_fd.get(), 0666 & ~mask) != 0) return errno_error("chmod " + m_temp, errno);
    if (::rename(m_temp.c_str(), m_path.c_str()) != 0)
        return errno_error("rename to " + m_path, errno);
    m_temp.clear();
    return ok();
}

} // namespace ferry::integrations::report
