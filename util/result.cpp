#include "util/result.hpp"

#include <cstring>

namespace ferry {

const char* errc_name(Errc code) {
    switch (code) {
    case Errc::invalid:
        return "invalid";
    case Errc::io:
        return "io";
    case Errc::protocol:
        return "protocol";
    case Errc::timeout:
        return "timeout";
    case Errc::unavailable:
        return "unavailable";
    case Errc::refused:
        return "refused";
    case Errc::compile_locally:
        return "compile-locally";
    case Errc::not_found:
        return "not-found";
    case Errc::internal:
        return "internal";
    }
    return "unknown";
}

Error errno_error(std::string_view what, int err) {
    return Error{err == ENOENT ? Errc::not_found : Errc::io,
                 fmt::format("{}: {}", what, std::strerror(err))};
}

} // namespace ferry
