// A private temporary directory (mode 0700) removed with everything in it when the owner
// goes away: ferryd gives every job one, so no file outlives its job on any exit path.
#pragma once

#include "util/result.hpp"

#include <string>

namespace ferry {

// Removes `path` and everything below it, whatever the permissions left inside; false if
// something stayed.
bool remove_tree(const std::string& path) noexcept;

class TempDir {
  public:
    static Result<TempDir> create(const std::string& parent, std::string_view prefix);
    TempDir(TempDir&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
    TempDir& operator=(TempDir&& other) noexcept;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() { remove(); }

    const std::string& path() const { return m_path; }
    // Renames the directory (rename(2): the same file system); it is removed from there.
    Result<void> move_to(std::string path);
    void remove() noexcept;

  private:
    explicit TempDir(std::string path) : m_path(std::move(path)) {}
    std::string m_path;
};

} // namespace ferry
