#include "config/toml_reader.hpp"

#include <algorithm>
#include <numeric>

namespace ferry::config::toml_reader {

namespace {

constexpr size_t kMaxShownValue = 60;

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), size_t{0});
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

std::string did_you_mean(std::string_view key, std::span<const std::string_view> known) {
    std::string_view best;
    size_t best_distance = 3; // further than two edits is a different word, not a typo
    for (auto candidate : known) {
        size_t d = edit_distance(key, candidate);
        if (d < best_distance && d < std::max(key.size(), candidate.size())) {
            best = candidate;
            best_distance = d;
        }
    }
    if (best.empty()) return {};
    return fmt::format("; did you mean '{}'?", best);
}

std::string describe(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::string: {
        std::string_view s = node.as_string()->get();
        if (s.size() > kMaxShownValue) return fmt::format("{:?}...", s.substr(0, kMaxShownValue));
        return fmt::format("{:?}", s);
    }
    case toml::node_type::integer:
        return std::to_string(node.as_integer()->get());
    case toml::node_type::floating_point:
        return fmt::format("the float {}", node.as_floating_point()->get());
    case toml::node_type::boolean:
        return node.as_boolean()->get() ? "true" : "false";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::table:
        return "a table";
    default:
        return "a date or time";
    }
}

std::vector<Entry> in_file_order(const toml::table& table) {
    std::vector<Entry> entries;
    for (auto&& [key, node] : table)
        entries.push_back({key.str(), key.source().begin.line, &node});
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.line < b.line; });
    return entries;
}

Result<toml::table> parse(std::string_view text, std::string_view source) {
    try {
        return toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        return make_error(Errc::invalid, "{}:{}:{}: TOML syntax error: {}", source,
                          e.source().begin.line, e.source().begin.column, e.description());
    }
}

Result<int64_t> Reader::integer(const Entry& e, std::string_view path, int64_t lo,
                                int64_t hi) const {
    const auto* value = e.node->as_integer();
    if (!value || value->get() < lo || value->get() > hi)
        return error(e.line, path, "expected an integer from {} to {}, got {}", lo, hi,
                     describe(*e.node));
    return value->get();
}

Result<bool> Reader::boolean(const Entry& e, std::string_view path) const {
    const auto* value = e.node->as_boolean();
    if (!value) return error(e.line, path, "expected true or false, got {}", describe(*e.node));
    return value->get();
}

Result<std::string> Reader::string(const Entry& e, std::string_view path) const {
    const auto* value = e.node->as_string();
    if (!value) return error(e.line, path, "expected a string, got {}", describe(*e.node));
    return value->get();
}

Result<std::string> Reader::file_name(const Entry& e, std::string_view path) const {
    FERRY_TRY(v, string(e, path));
    if (v->empty() || v->find('\0') != std::string::npos)
        return error(e.line, path, "expected a file name, got {}", describe(*e.node));
    return std::move(*v);
}

Result<const toml::table*> Reader::table(const Entry& e, std::string_view path) const {
    const auto* value = e.node->as_table();
    if (!value)
        return error(e.line, path, "expected a [{}] table, got {}", path, describe(*e.node));
    return value;
}

Result<std::vector<Reader::Item>> Reader::strings(const Entry& e, std::string_view path) const {
    const auto* array = e.node->as_array();
    if (!array)
        return error(e.line, path, "expected an array of strings, got {}", describe(*e.node));
    std::vector<Item> out;
    for (size_t i = 0; i < array->size(); ++i) {
        const toml::node& element = *array->get(i);
        const uint32_t line = element.source().begin.line ? element.source().begin.line : e.line;
        const auto* value = element.as_string();
        if (!value)
            return error(line, fmt::format("{}[{}]", path, i), "expected a string, got {}",
                         describe(element));
        out.push_back({value->get(), line});
    }
    return out;
}

} // namespace ferry::config::toml_reader
