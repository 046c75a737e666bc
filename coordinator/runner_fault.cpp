#include "coordinator/runner_fault.hpp"

#include <array>
#include <cstring>
#include <fmt/format.h>
#include <string_view>

namespace ferry::coordinator {

namespace {

// What compiler drivers print when a program they ran did not finish on its own, or when
// the process ran out of memory. Drivers translate their own words, not strsignal()'s
// "File size limit exceeded": these are matched in the C locale's English only.
constexpr std::array<std::string_view, 5> kDiedMarkers = {
    " signal terminated program ",  // gcc: "cc: internal compiler error: Killed signal ..."
    "command failed due to signal", // clang: "clang frontend command failed due to signal"
    "unable to execute command: ",  // clang: "unable to execute command: File size limit..."
    "out of memory allocating ",    // gcc's xmalloc under RLIMIT_AS
    "virtual memory exhausted",     // gcc
};
constexpr size_t kMaxReason = 200;

// What compilers and assemblers print when a file they were asked to read is not there.
constexpr std::array<std::string_view, 6> kMissingMarkers = {
    "No such file or directory", // gcc, cc1, gas
    "' file not found",          // clang: fatal error: 'x.h' file not found
    "Error: file not found: ",   // gas: .incbin
    "Error: can't open ",        // gas: .include
    "incbin file",               // clang's integrated assembler: .incbin
    "cannot open file ",         // gcc: #pragma GCC dependency
};

std::string_view line_at(std::string_view text, size_t pos) {
    size_t begin = text.rfind('\n', pos);
    begin = begin == std::string_view::npos ? 0 : begin + 1;
    size_t end = text.find('\n', pos);
    return text.substr(begin, end == std::string_view::npos ? text.npos : end - begin);
}

} // namespace

std::optional<std::string> runner_fault(const proto::JobResult& result) {
    if (result.status != proto::JobStatus::completed) return std::nullopt;
    if (result.term_signal != 0)
        return fmt::format("the compiler was killed there by signal {} ({})", result.term_signal,
                           strsignal(result.term_signal));
    if (result.exit_code == 0) return std::nullopt;
    std::string_view err = result.stderr_data;
    for (auto marker : kDiedMarkers) {
        size_t at = err.find(marker);
        if (at == std::string_view::npos) continue;
        std::string_view line = line_at(err, at);
        if (line.size() > kMaxReason) line = line.substr(0, kMaxReason);
        return fmt::format("the compiler died there: {}", line);
    }
    return std::nullopt;
}

std::optional<std::string> missing_input(const proto::JobResult& result) {
    if (result.status != proto::JobStatus::completed || result.exit_code == 0) return std::nullopt;
    std::string_view err = result.stderr_data;
    for (auto marker : kMissingMarkers) {
        size_t at = err.find(marker);
        if (at == std::string_view::npos) continue;
        std::string_view line = line_at(err, at);
        if (line.size() > kMaxReason) line = line.substr(0, kMaxReason);
        return std::string(line);
    }
    return std::nullopt;
}

} // namespace ferry::coordinator
