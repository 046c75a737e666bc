// `ferry mon SECONDS`: the refresh interval as the user typed it, checked before anything
// connects, so `ferry mon abc` fails with a clear message (exit 2) instead of refreshing
// in a tight loop or never.
#pragma once

#include "util/result.hpp"

#include <string_view>

namespace ferry::monitor {

inline constexpr double kMinInterval = 0.1;   // faster only burns the coordinator's time
inline constexpr double kMaxInterval = 86400; // a day; longer is surely a typo

// Seconds, decimals allowed ("1", "0.5", "2.25"); Errc::invalid with a sentence for
// anything else: empty, trailing text, negative, zero, nan/inf, out of range.
Result<double> parse_interval(std::string_view text);

} // namespace ferry::monitor
