#include "coordinator/file_store_hidden_reads.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace ferry::coordinator {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r';
}

// ASCII only, as gas folds its pseudo-ops (std::tolower, a call through the locale per byte,
// was 4% of the coordinator's CPU).
constexpr char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Every position where `word` (lower case) starts in `folded` (the text in lower case: gas
// pseudo-ops are not case-sensitive), handed to `at` until it returns true. Every new
// header's bytes pass here five times: folded once, each pass is a memchr-driven find
// (a case-folding std::search compared byte by byte, 5% of the coordinator's main thread).
template <typename F> bool any_occurrence(std::string_view folded, std::string_view word, F at) {
    for (size_t pos = folded.find(word); pos != std::string_view::npos;
         pos = folded.find(word, pos + 1))
        if (at(pos)) return true;
    return false;
}

// Where the last character before `pos` that is not a blank or a line splice is, or npos.
size_t previous_non_blank(std::string_view text, size_t pos) {
    while (pos > 0) {
        char c = text[pos - 1];
        if (!is_blank(c) && c != '\n' && c != '\\') return pos - 1;
        --pos;
    }
    return std::string_view::npos;
}

// `.include "file"`, or `.include \"file\"` inside a C string; not the word in prose.
bool assembler_include(std::string_view text, size_t pos) {
    pos += std::string_view(".include").size();
    while (pos < text.size() && is_blank(text[pos]))
        ++pos;
    return pos < text.size() && (text[pos] == '"' || text[pos] == '\\');
}

// `embed` directly after `#` or `%:` (blanks between allowed): C23 #embed, digraph or not.
bool embed_directive(std::string_view text, size_t pos) {
    const size_t p = previous_non_blank(text, pos);
    if (p == std::string_view::npos) return false;
    return text[p] == '#' || (text[p] == ':' && p > 0 && text[p - 1] == '%');
}

// `dependency` after `GCC` and blanks: the pragma, whether spelled #pragma or _Pragma("...").
bool gcc_dependency(std::string_view text, size_t pos) {
    size_t end = pos;
    while (end > 0 && is_blank(text[end - 1]))
        --end;
    return end < pos && end >= 3 && text.substr(end - 3, 3) == "GCC";
}

} // namespace

std::optional<std::string_view> hidden_read(std::string_view content) {
    std::string lower(content);
    std::transform(lower.begin(), lower.end(), lower.begin(), ascii_lower);
    const std::string_view folded = lower;
    if (any_occurrence(folded, ".incbin", [](size_t) { return true; })) return ".incbin";
    if (any_occurrence(folded, ".include", [&](size_t p) { return assembler_include(content, p); }))
        return ".include";
    if (any_occurrence(folded, "__has_embed", [](size_t) { return true; })) return "__has_embed";
    if (any_occurrence(folded, "embed", [&](size_t p) { return embed_directive(content, p); }))
        return "#embed";
    if (any_occurrence(folded, "dependency", [&](size_t p) { return gcc_dependency(content, p); }))
        return "#pragma GCC dependency";
    return std::nullopt;
}

} // namespace ferry::coordinator
