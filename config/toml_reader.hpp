// Reading a closed TOML schema with errors a user can act on: every mistake is
// "file:line: key: what was expected, what was found", unknown keys are refused with a
// "did you mean" for near misses, and tables are walked in file order so the first error
// reported is the first one a reader of the file meets. Shared by hosts.toml (config/) and
// ferryd.toml (remote/runner/config_file): this is the one header of config/ that includes
// toml++, so only the modules that read a TOML file of their own see it (they link toml++).
#pragma once

#include "util/result.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

namespace ferry::config::toml_reader {

// A value as it appears in the file, short enough for one error line.
std::string describe(const toml::node& node);

// "; did you mean 'KNOWN'?" for a key at most two edits from a known one, else "".
std::string did_you_mean(std::string_view key, std::span<const std::string_view> known);

struct Entry {
    std::string_view key;
    uint32_t line;
    const toml::node* node;
};

// toml++ iterates a table in key order; errors should name the first mistake a reader of the
// file meets, so entries are visited in file order.
std::vector<Entry> in_file_order(const toml::table& table);

// Parses TEXT, or an error "SOURCE:LINE:COLUMN: TOML syntax error: ...".
Result<toml::table> parse(std::string_view text, std::string_view source);

class Reader {
  public:
    explicit Reader(std::string_view source) : m_source(source) {}

    template <typename... Args>
    Error error(uint32_t line, std::string_view path, fmt::format_string<Args...> format,
                Args&&... args) const {
        return Error{Errc::invalid, fmt::format("{}:{}: {}: {}", m_source, line, path,
                                                fmt::format(format, std::forward<Args>(args)...))};
    }

    Error unknown_key(const Entry& e, std::string_view path,
                      std::span<const std::string_view> known) const {
        return error(e.line, path, "unknown key{}", did_you_mean(e.key, known));
    }

    Result<int64_t> integer(const Entry& e, std::string_view path, int64_t lo, int64_t hi) const;
    Result<bool> boolean(const Entry& e, std::string_view path) const;
    Result<std::string> string(const Entry& e, std::string_view path) const;
    // A non-empty string without NUL.
    Result<std::string> file_name(const Entry& e, std::string_view path) const;
    // A table, e.g. `[cache]`.
    Result<const toml::table*> table(const Entry& e, std::string_view path) const;
    // An array of strings, each with its line (an array may span several), so that a check
    // of an element's meaning can name it too; an element of another type is `path[i]`.
    struct Item {
        std::string value;
        uint32_t line;
    };
    Result<std::vector<Item>> strings(const Entry& e, std::string_view path) const;

  private:
    std::string_view m_source;
};

} // namespace ferry::config::toml_reader
