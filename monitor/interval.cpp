#include "monitor/interval.hpp"

#include <charconv>
#include <cmath>

namespace ferry::monitor {

Result<double> parse_interval(std::string_view text) {
    double seconds = 0;
    // from_chars, not strtod: no locale, no leading spaces or '+', no hex, and it says
    // exactly where the number ended.
    const auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), seconds, std::chars_format::fixed);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
        !std::isfinite(seconds))
        return make_error(Errc::invalid, "'{}' is not a number of seconds (e.g. 1 or 0.5)", text);
    if (seconds < kMinInterval || seconds > kMaxInterval)
        return make_error(Errc::invalid, "the interval must be between {} and {} seconds, not {}",
                          kMinInterval, kMaxInterval, text);
    return seconds;
}

} // namespace ferry::monitor
