#include "remote/protocol/codec.hpp"

#include <algorithm>

namespace ferry::proto::detail {

std::string quote(std::string_view bytes) {
    constexpr size_t kMaxShown = 40;
    std::string out;
    for (char c : bytes.substr(0, kMaxShown)) {
        auto u = static_cast<uint8_t>(c);
        if (u >= 0x20 && u < 0x7f && c != '\'' && c != '\\')
            out.push_back(c);
        else
            out += fmt::format("\\x{:02x}", u);
    }
    if (bytes.size() > kMaxShown) out += "...";
    return "'" + out + "'";
}

Result<void> check_hex(std::string_view value, size_t digits, std::string_view what) {
    const bool hex = value.size() == digits && std::all_of(value.begin(), value.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                     });
    if (!hex)
        return make_error(Errc::protocol, "{} {} is not {} lowercase hex digits", what,
                          quote(value), digits);
    return ok();
}

} // namespace ferry::proto::detail
