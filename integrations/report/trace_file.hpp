// The --trace file, reserved before the build starts: a temporary file beside FILE is
// created at once (so an unwritable place is an error before anything is built), filled
// and renamed over FILE at the end — a reader never sees half a trace. Dropped (the
// temporary removed) if never committed.
#pragma once

#include "util/fd.hpp"
#include "util/result.hpp"

#include <string>
#include <string_view>

namespace ferry::integrations::report {

class TraceFile {
  public:
    static Result<TraceFile> reserve(const std::string& path);
    TraceFile(TraceFile&& other) noexcept;
    TraceFile& operator=(TraceFile&&) = delete;
    TraceFile(const TraceFile&) = delete;
    ~TraceFile();

    Result<void> commit(std::string_view contents);
    const std::string& path() const { return m_path; }

  private:
    TraceFile(std::string path, std::string temp, Fd fd)
        : m_path(std::move(path)), m_temp(std::move(temp)), m_fd(std::move(fd)) {}
    std::string m_path, m_temp;
    Fd m_fd;
};

} // namespace ferry::integrations::report
