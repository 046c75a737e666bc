#include "temp_tree.hpp"

#include "util/fs.hpp"

#include <stdexcept>

namespace ferry::includes::test {
namespace {

TempDir make_dir() {
    auto dir = TempDir::create("/tmp", "ferry-includes-test");
    if (!dir) throw std::runtime_error(dir.error().message);
    return std::move(*dir);
}

} // namespace

TempTree::TempTree() : m_dir(make_dir()) {}

std::string TempTree::write(const std::string& relative, const std::string& content) {
    std::string full = path(relative);
    if (auto made = make_dirs(dirname(full)); !made) throw std::runtime_error(made.error().message);
    if (auto w = write_file(full, content); !w) throw std::runtime_error(w.error().message);
    return full;
}

} // namespace ferry::includes::test
