// FERRY_ASSERT(condition, message): an invariant that holds unless ferry itself has a bug.
// Unlike assert() it is on in every build type (RelWithDebInfo and Release too, as ccache's
// CI build type keeps its asserts): a broken invariant in a daemon is better stopped with its
// file, line and reason in the log than carried on into a wrong object or a corrupted queue.
// Not for anything input can cause (a peer, a file, an argument): those are errors as values.
// The message goes where the program logs (util/log.hpp: stderr, or a daemon's log file),
// then the process aborts (a core dump, no unwinding through libuv callbacks).
#pragma once

#include <string_view>

namespace ferry::detail {

[[noreturn]] void assert_failed(const char* condition, std::string_view message, const char* file,
                                int line) noexcept;

} // namespace ferry::detail

#define FERRY_ASSERT(condition, message)                                                           \
    do {                                                                                           \
        if (!(condition)) [[unlikely]]                                                             \
            ::ferry::detail::assert_failed(#condition, (message), __FILE__, __LINE__);             \
    } while (0)
