#include "coordinator/file_store_hidden_reads.hpp"

#include <algorithm>
#include <cstring>

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

constexpr char ascii_upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// Every position where `word` (lower case) starts in `text`, in any case (gas pseudo-ops are
// not case-sensitive), handed to `at` until it returns true. Every new header's bytes pass here
// five times, so each pass is memchr-driven: the word's first character is looked for in both
// cases, each with its own cursor (one memchr per occurrence, never a rescan), and only the
// rest is compared folded. The text is not copied: a first-read file may be as large as the
// protocol's file limit, and a folded copy would double what the check holds.
template <typename F> bool any_occurrence(std::string_view text, std::string_view word, F at) {
    if (word.empty() || text.size() < word.size()) return false;
    const size_t last = text.size() - word.size();
    const char lower = word.front(), upper = ascii_upper(lower);
    auto next = [&](char c, size_t from) {
        if (from > last) return std::string_view::npos;
        const void* hit = std::memchr(text.data() + from, c, last + 1 - from);
        return hit ? size_t(static_cast<const char*>(hit) - text.data()) : std::string_view::npos;
    };
    size_t at_lower = next(lower, 0);
    size_t at_upper = upper == lower ? std::string_view::npos : next(upper, 0);
    while (at_lower != std::string_view::npos || at_upper != std::string_view::npos) {
        const size_t pos = std::min(at_lower, at_upper);
        bool same = true;
        for (size_t i = 1; i < word.size() && same; ++i)
            same = ascii_lower(text[pos + i]) == word[i];
        if (same && at(pos)) return true;
        if (pos == at_lower)
            at_lower = next(lower, pos + 1);
        else
            at_upper = next(upper, pos + 1);
    }
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
    if (any_occurrence(content, ".incbin", [](size_t) { return true; })) return ".incbin";
    if (any_occurrence(content, ".include",
                       [&](size_t p) { return assembler_include(content, p); }))
        return ".include";
    if (any_occurrence(content, "__has_embed", [](size_t) { return true; })) return "__has_embed";
    if (any_occurrence(content, "embed", [&](size_t p) { return embed_directive(content, p); }))
        return "#embed";
    if (any_occurrence(content, "dependency", [&](size_t p) { return gcc_dependency(content, p); }))
        return "#pragma GCC dependency";
    return std::nullopt;
}

} // namespace ferry::coordinator
