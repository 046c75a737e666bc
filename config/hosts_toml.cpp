// hosts.toml -> Config. The schema is closed: every key is known, typed and ranged, and any
// mistake stops the load with "file:line: key: what was expected, what was found", because a
// silently ignored typo ("slot = 8") costs a user far more time than an error does.
#include "config/hosts.hpp"
#include "config/toml_reader.hpp"
#include "util/hash.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <string_view>
#include <vector>

namespace ferry::config {

namespace {

constexpr int64_t kMaxSlots = 1024;
constexpr int64_t kMaxTimeoutMs = 86'400'000; // a day
constexpr int64_t kMaxIdleS = 604'800;        // a week
constexpr int64_t kMaxCompression = 19;       // zstd levels above need --ultra memory budgets
constexpr size_t kMaxNameLength = 64;

using toml_reader::describe;
using toml_reader::Entry;
using toml_reader::in_file_order;
using toml_reader::Reader;

constexpr std::array<std::string_view, 3> kTopKeys = {"client", "runner", "include_analysis"};
constexpr std::array<std::string_view, 13> kClientKeys = {
    "local_slots",       "connect_timeout_ms", "job_timeout_ms", "backoff_ms",
    "compression_level", "warn_on_fallback",   "speculate",      "local_when_idle",
    "idle_timeout_s",    "key_file",           "backups",        "queue_ahead",
    "build_nice"};
constexpr std::array<std::string_view, 5> kRunnerKeys = {"address", "port", "slots", "name",
                                                         "key_file"};

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
        } else if (e.key == "queue_ahead") {
            FERRY_TRY(v, reader.integer(e, path, 0, kMaxQueueAhead));
            config.queue_ahead = narrow<uint32_t>(*v);
        } else if (e.key == "build_nice") {
            FERRY_TRY(v, reader.integer(e, path, 0, kMaxBuildNice));
            config.build_nice = narrow<uint32_t>(*v);
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

std::vector<std::string> hosts_toml_keys() {
    std::vector<std::string> keys;
    for (std::string_view key : kTopKeys)
        if (key != "client" && key != "runner") keys.emplace_back(key);
    for (std::string_view key : kClientKeys)
        keys.push_back(fmt::format("client.{}", key));
    for (std::string_view key : kRunnerKeys)
        keys.push_back(fmt::format("runner.{}", key));
    return keys;
}

std::optional<IncludeAnalysis> include_analysis_from(std::string_view text) {
    if (text == "off") return IncludeAnalysis::off;
    if (text == "shadow") return IncludeAnalysis::shadow;
    if (text == "on") return IncludeAnalysis::on;
    return std::nullopt;
}

Result<Config> parse_hosts_toml(std::string_view text, std::string_view source_name) {
    Reader reader(source_name);
    FERRY_TRY(parsed, toml_reader::parse(text, source_name));
    const toml::table& root = *parsed;

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
