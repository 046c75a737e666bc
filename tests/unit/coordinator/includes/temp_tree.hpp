// A temporary directory of real files for the include tests: the analyser and the search
// rules run against the real file system, as they will in the coordinator.
#pragma once

#include "util/temp_dir.hpp"

#include <string>

namespace ferry::includes::test {

class TempTree {
  public:
    TempTree();
    const std::string& root() const { return m_dir.path(); }
    // Writes `content` at root/relative, creating the directories on the way; the full path.
    std::string write(const std::string& relative, const std::string& content);
    std::string path(const std::string& relative) const { return root() + "/" + relative; }

  private:
    TempDir m_dir;
};

} // namespace ferry::includes::test
