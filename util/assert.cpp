#include "util/assert.hpp"

#include "util/log.hpp"

#include <cstdlib>
#include <exception>

namespace ferry::detail {

void assert_failed(const char* condition, std::string_view message, const char* file,
                   int line) noexcept {
    // Formatting can throw (bad_alloc); this function cannot, so whatever happens it aborts.
    try {
        log::write(log::Level::error, fmt::format("{}:{}: internal error: {} (assertion '{}')",
                                                  file, line, message, condition));
    } catch (...) {
    }
    std::abort();
}

} // namespace ferry::detail
