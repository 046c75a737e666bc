// hosts.toml -> Config. The schema is closed: every key is known, typed and ranged, and any
// mistake stops the load with "file:line: key: what was expected, what was found", because a
// silently ignored typo ("slot = 8") costs a user far more time than an error does.
#include "config/hosts.hpp"
#include "util/hash.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <numeric>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

namespace ferry::config {

namespace {

constexpr int64_t kMaxSlots = 1024;
constexpr int64_t kMaxTimeoutMs = 86'400'000; // a day
constexpr int64_t kMaxIdleS = 604'800;        // a week
constexpr int64_t kMaxCompression = 19;       // zstd levels above need --ultra memory budgets
constexpr size_t kMaxNameLength = 64;
constexpr size_t kMaxShownValue = 60;

constexpr std::array<std::string_view, 3> kTopKeys = {"client", "runner", "include_analysis"};
constexpr std::array<std::string_view, 11> kClientKeys = {
    "local_slots",       "connect_timeout_ms", "job_timeout_ms", "backoff_ms",
    "compression_level", "warn_on_fallback",   "speculate",      "local_when_idle",
    "idle_timeout_s",    "key_file",           "backups"};
constexpr std::array<std::string_view, 5> kRunnerKeys = {"address", "port", "slots", "name",
                                                         "key_file"};

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

template <size_t N>
std::string did_you_mean(std::string_view key, const std::array<std::string_view, N>& known) {
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

// A value as it appears in the file, short enough for one error line.
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

struct Entry {
    std::string_view key;
    uint32_t line;
    const toml::node* node;
};

// toml++ iterates a table in key order; errors should name the first mistake a reader of the
// file meets, so entries are visited in file order.
std::vector<Entry> in_file_order(const toml::table& table) {
    std::vector<Entry> entries;
    for (auto&& [key, node] : table)
        entries.push_back({key.str(), key.source().begin.line, &node});
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.line < b.line; });
    return entries;
}

class Reader {
  public:
    explicit Reader(std::string_view source) : m_source(source) {}

    template <typename... Args>
    Error error(uint32_t line, std::string_view path, fmt::format_string<Args...> format,
                Args&&... args) const {
        return Error{Errc::invalid, fmt::format("{}:{}: {}: {}", m_source, line, path,
                                                fmt::format(format, std::forward<Args>(args)...))};
    }

    template <size_t N>
    Error unknown_key(const Entry& e, std::string_view path,
                      const std::array<std::string_view, N>& known) const {
        return error(e.line, path, "unknown key{}", did_you_mean(e.key, known));
    }

    Result<int64_t> integer(const Entry& e, std::string_view path, int64_t lo, int64_t hi) const {
        const auto* value = e.node->as_integer();
        if (!value || value->get() < lo || value->get() > hi)
            return error(e.line, path, "expected an integer from {} to {}, got {}", lo, hi,
                         describe(*e.node));
        return value->get();
    }

    Result<bool> boolean(const Entry& e, std::string_view path) const {
        const auto* value = e.node->as_boolean();
        if (!value) return error(e.line, path, "expected true or false, got {}", describe(*e.node));
        return value->get();
    }

    Result<std::string> string(const Entry& e, std::string_view path) const {
        const auto* value = e.node->as_string();
        if (!value) return error(e.line, path, "expected a string, got {}", describe(*e.node));
        return value->get();
    }

    Result<std::string> file_name(const Entry& e, std::string_view path) const {
        FERRY_TRY(v, string(e, path));
        if (v->empty() || v->find('\0') != std::string::npos)
            return error(e.line, path, "expected a file name, got {}", describe(*e.node));
        return std::move(*v);
    }

  private:
    std::string_view m_source;
};

template <typename T> T narrow(int64_t value) {
    return static_cast<T>(value);
}

Result<void> read_client(const Reader& reader, const toml::table& table, Config& config) {
    for (const Entry& e : in_file_order(table)) {
        std::string path = fmt::format("client.{}", e.key);
        if (e.key == "local_slots") {
            FERRY_TRY(v, reader.integer(e, path, 0, kMaxSlots));
            config.local_slots = narrow<uint32_t>(*v);
        } else if (e.key == "connect_timeout_ms") {
            FERRY_TRY(v, reader.integer(e, path, 1, kMaxTimeoutMs));
            config.connect_timeout_ms = narrow<uint32_t>(*v);
        } else if (e.key == "job_timeout_ms") {
            FERRY_TRY(v, reader.integer(e, path, 1, kMaxTimeoutMs));
            config.job_timeout_ms = narrow<uint32_t>(*v);
        } else if (e.key == "backoff_ms") {
            FERRY_TRY(v, reader.integer(e, path, 0, kMaxTimeoutMs));
            config.backoff_ms = narrow<uint32_t>(*v);
        } else if (e.key == "compression_level") {
            FERRY_TRY(v, reader.integer(e, path, 0, kMaxCompression));
            config.compression_level = narrow<int>(*v);
        } else if (e.key == "warn_on_fallback") {
            FERRY_TRY(v, reader.boolean(e, path));
            config.warn_on_fallback = *v;
        } else if (e.key == "speculate") {
            FERRY_TRY(v, reader.boolean(e, path));
            config.speculate = *v;
        } else if (e.key == "local_when_idle") {
            FERRY_TRY(v, reader.boolean(e, path));
            config.local_when_idle = *v;
        } else if (e.key == "backups") {
            FERRY_TRY(v, reader.boolean(e, path));
            config.backups = *v;
        } else if (e.key == "idle_timeout_s") {
            FERRY_TRY(v, reader.integer(e, path, 1, kMaxIdleS));
            config.idle_timeout_s = narrow<uint32_t>(*v);
        } else if (e.key == "key_file") {
            FERRY_TRY(v, reader.file_name(e, path));
            config.key_file = std::move(*v);
        } else {
            return reader.unknown_key(e, path, kClientKeys);
        }
    }
    return ok();
}

bool valid_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxNameLength) return false;
    if (std::isspace(static_cast<unsigned char>(name.front())) ||
        std::isspace(static_cast<unsigned char>(name.back())))
        return false;
    return std::none_of(name.begin(), name.end(),
                        [](char c) { return std::iscntrl(static_cast<unsigned char>(c)) != 0; });
}

struct Seen {
    size_t index;
    uint32_t line;
};

Result<void> read_runners(const Reader& reader, const toml::node& node, uint32_t key_line,
                          Config& config) {
    const auto* array = node.as_array();
    if (!array)
        return reader.error(key_line, "runner", "expected [[runner]] tables, got {}",
                            describe(node));
    std::map<std::string, Seen> endpoints;
    std::map<std::string, Seen> names;
    for (size_t index = 0; index < array->size(); ++index) {
        const toml::node& element = *array->get(index);
        uint32_t line = element.source().begin.line ? element.source().begin.line : key_line;
        std::string where = fmt::format("runner[{}]", index);
        const auto* table = element.as_table();
        if (!table) return reader.error(line, where, "expected a table, got {}", describe(element));

        Runner runner;
        bool has_address = false;
        for (const Entry& e : in_file_order(*table)) {
            std::string path = fmt::format("{}.{}", where, e.key);
            if (e.key == "address") {
                FERRY_TRY(v, reader.string(e, path));
                auto host = canonical_host(*v);
                if (!host) return reader.error(e.line, path, "{}", host.error().message);
                runner.host = std::move(*host);
                has_address = true;
            } else if (e.key == "port") {
                FERRY_TRY(v, reader.integer(e, path, 1, 65535));
                runner.port = narrow<uint16_t>(*v);
            } else if (e.key == "slots") {
                FERRY_TRY(v, reader.integer(e, path, 0, kMaxSlots));
                runner.slots = narrow<uint32_t>(*v);
            } else if (e.key == "name") {
                FERRY_TRY(v, reader.string(e, path));
                if (!valid_name(*v))
                    return reader.error(e.line, path,
                                        "expected 1 to {} printable characters, no leading or "
                                        "trailing space, got {}",
                                        kMaxNameLength, describe(*e.node));
                runner.name = std::move(*v);
            } else if (e.key == "key_file") {
                FERRY_TRY(v, reader.file_name(e, path));
                runner.key_file = std::move(*v);
            } else {
                return reader.unknown_key(e, path, kRunnerKeys);
            }
        }
        if (!has_address) return reader.error(line, where, "missing key 'address'");

        std::string endpoint = endpoint_string(runner.host, runner.port);
        if (auto it = endpoints.find(endpoint); it != endpoints.end())
            return reader.error(line, where, "{} is already runner[{}] (line {})", endpoint,
                                it->second.index, it->second.line);
        endpoints.emplace(endpoint, Seen{index, line});
        if (runner.name.empty()) runner.name = endpoint;
        if (auto it = names.find(runner.name); it != names.end())
            return reader.error(line, where + ".name",
                                "{:?} is already the name of runner[{}] (line {})", runner.name,
                                it->second.index, it->second.line);
        names.emplace(runner.name, Seen{index, line});
        config.runners.push_back(std::move(runner));
    }
    return ok();
}

} // namespace

std::optional<IncludeAnalysis> include_analysis_from(std::string_view text) {
    if (text == "off") return IncludeAnalysis::off;
    if (text == "shadow") return IncludeAnalysis::shadow;
    if (text == "on") return IncludeAnalysis::on;
    return std::nullopt;
}

Result<Config> parse_hosts_toml(std::string_view text, std::string_view source_name) {
    Reader reader(source_name);
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(source_name));
    } catch (const toml::parse_error& e) {
        return make_error(Errc::invalid, "{}:{}:{}: TOML syntax error: {}", source_name,
                          e.source().begin.line, e.source().begin.column, e.description());
    }

    Config config;
    for (const Entry& e : in_file_order(root)) {
        if (e.key == "client") {
            const auto* table = e.node->as_table();
            if (!table)
                return reader.error(e.line, "client", "expected a [client] table, got {}",
                                    describe(*e.node));
            FERRY_TRY_VOID(read_client(reader, *table, config));
        } else if (e.key == "runner") {
            FERRY_TRY_VOID(read_runners(reader, *e.node, e.line, config));
        } else if (e.key == "include_analysis") {
            FERRY_TRY(v, reader.string(e, e.key));
            auto mode = include_analysis_from(*v);
            if (!mode)
                return reader.error(e.line, e.key, "expected \"off\", \"shadow\" or \"on\", got {}",
                                    describe(*e.node));
            config.include_analysis = *mode;
        } else {
            return reader.unknown_key(e, e.key, kTopKeys);
        }
    }
    // Runners without a key_file of their own use the [client] one, wherever it is written.
    for (auto& runner : config.runners)
        if (runner.key_file.empty()) runner.key_file = config.key_file;
    config.source = std::string(source_name);
    config.fingerprint = hash_hex(std::string("toml") + '\0' + std::string(text));
    return config;
}

} // namespace ferry::config
