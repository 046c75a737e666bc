#include "remote/runner/config_file.hpp"

#include "config/toml_reader.hpp"
#include "util/fs.hpp"

#include <array>

namespace ferry::runner {

namespace {

using config::toml_reader::Entry;
using config::toml_reader::in_file_order;
using config::toml_reader::Reader;

constexpr int64_t kMaxJobs = 4096;
constexpr int64_t kMaxSeconds = 604'800;      // a week: anything longer is a typo
constexpr int64_t kMaxMiB = int64_t(1) << 24; // 16 TiB
constexpr int64_t kMaxCount = int64_t(1) << 24;
constexpr size_t kMaxConfigBytes = size_t(1) << 20;

constexpr std::array<std::string_view, 18> kTopKeys = {
    "listen",          "allow",         "jobs",        "name",
    "key_file",        "user",          "log_file",    "pid_file",
    "metrics",         "compilers",     "unsandboxed", "installed_compilers_only",
    "reuse_installed", "reuse_mirrors", "verbose",     "cache",
    "limits",          "intake"};
constexpr std::array<std::string_view, 2> kCacheKeys = {"dir", "size_mib"};
constexpr std::array<std::string_view, 4> kLimitKeys = {"job_timeout_s", "cpu_s", "memory_mib",
                                                        "file_size_mib"};
constexpr std::array<std::string_view, 6> kIntakeKeys = {"max_queue",       "max_connections",
                                                         "files_timeout_s", "max_request_size_mib",
                                                         "max_mirror_dirs", "max_path_depth"};

// A service's working directory is `/` and a file is read by whoever starts the service: a
// relative path would mean something else for each, so the file takes absolute ones only.
Result<std::string> absolute_file(const Reader& reader, const Entry& e, std::string_view path) {
    FERRY_TRY(v, reader.file_name(e, path));
    if ((*v)[0] != '/')
        return reader.error(e.line, path, "expected an absolute path, got {:?}", *v);
    return std::move(*v);
}

template <typename T>
Result<void> set_integer(const Reader& reader, const Entry& e, std::string_view path, int64_t lo,
                         int64_t hi, T& out) {
    FERRY_TRY(v, reader.integer(e, path, lo, hi));
    out = static_cast<T>(*v);
    return ok();
}

Result<void> set_boolean(const Reader& reader, const Entry& e, std::string_view path, bool& out) {
    FERRY_TRY(v, reader.boolean(e, path));
    out = *v;
    return ok();
}

Result<void> read_cache(const Reader& reader, const toml::table& table, Options& o) {
    for (const Entry& e : in_file_order(table)) {
        const std::string path = fmt::format("cache.{}", e.key);
        if (e.key == "dir") {
            FERRY_TRY(v, absolute_file(reader, e, path));
            o.cache_dir = std::move(*v);
        } else if (e.key == "size_mib") {
            FERRY_TRY(v, reader.integer(e, path, 1, kMaxMiB));
            o.cache_size_bytes = uint64_t(*v) << 20;
        } else {
            return reader.unknown_key(e, path, kCacheKeys);
        }
    }
    return ok();
}

Result<void> read_limits(const Reader& reader, const toml::table& table, FileOptions& out) {
    Options& o = out.options;
    for (const Entry& e : in_file_order(table)) {
        const std::string path = fmt::format("limits.{}", e.key);
        if (e.key == "job_timeout_s") {
            FERRY_TRY_VOID(set_integer(reader, e, path, 1, kMaxSeconds, o.job_timeout_seconds));
        } else if (e.key == "cpu_s") {
            FERRY_TRY_VOID(set_integer(reader, e, path, 0, kMaxSeconds, o.limits.cpu_seconds));
            out.cpu_limit_given = true;
        } else if (e.key == "memory_mib") {
            FERRY_TRY(v, reader.integer(e, path, 0, kMaxMiB));
            o.limits.address_space = uint64_t(*v) << 20;
        } else if (e.key == "file_size_mib") {
            FERRY_TRY(v, reader.integer(e, path, 0, kMaxMiB));
            o.limits.file_size = uint64_t(*v) << 20;
        } else {
            return reader.unknown_key(e, path, kLimitKeys);
        }
    }
    return ok();
}

Result<void> read_intake(const Reader& reader, const toml::table& table, Options& o) {
    for (const Entry& e : in_file_order(table)) {
        const std::string path = fmt::format("intake.{}", e.key);
        if (e.key == "max_queue") {
            FERRY_TRY_VOID(set_integer(reader, e, path, 1, kMaxCount, o.max_queue));
        } else if (e.key == "max_connections") {
            FERRY_TRY_VOID(set_integer(reader, e, path, 1, kMaxCount, o.max_connections));
        } else if (e.key == "files_timeout_s") {
            FERRY_TRY_VOID(set_integer(reader, e, path, 1, kMaxSeconds, o.files_timeout_seconds));
        } else if (e.key == "max_request_size_mib") {
            // The same range as --max-request-size (validate_options).
            FERRY_TRY(v, reader.integer(e, path, 1, 512));
            o.max_request_bytes = uint64_t(*v) << 20;
        } else if (e.key == "max_mirror_dirs") {
            FERRY_TRY_VOID(set_integer(reader, e, path, 1, kMaxCount, o.max_mirror_dirs));
        } else if (e.key == "max_path_depth") {
            FERRY_TRY_VOID(set_integer(reader, e, path, 1, 4096, o.max_path_depth));
        } else {
            return reader.unknown_key(e, path, kIntakeKeys);
        }
    }
    return ok();
}

// listen, allow, metrics: parsed here, where the line is known, with the parser the command
// line uses, so a value means the same in both places.
Result<void> read_addresses(const Reader& reader, const Entry& e, Options& o) {
    const std::string_view path = e.key;
    if (e.key == "metrics") {
        FERRY_TRY(v, reader.string(e, path));
        auto address = parse_metrics_address(*v);
        if (!address) return reader.error(e.line, path, "{}", address.error().message);
        o.metrics = std::move(*address);
        return ok();
    }
    FERRY_TRY(items, reader.strings(e, path));
    if (items->empty())
        return reader.error(e.line, path, "expected at least one {}",
                            e.key == "listen" ? "ADDRESS:PORT" : "address range");
    for (size_t i = 0; i < items->size(); ++i) {
        const auto& item = (*items)[i];
        const std::string where = fmt::format("{}[{}]", path, i);
        if (e.key == "listen") {
            auto address = parse_listen_address(item.value);
            if (!address) return reader.error(item.line, where, "{}", address.error().message);
            o.listen.push_back(std::move(*address));
        } else {
            auto range = Cidr::parse(item.value);
            if (!range) return reader.error(item.line, where, "{}", range.error().message);
            o.allow.push_back(*range);
        }
    }
    if (e.key == "allow") o.allow_given = true;
    return ok();
}

} // namespace

std::vector<std::string> config_file_keys() {
    std::vector<std::string> keys;
    for (std::string_view key : kTopKeys)
        if (key != "cache" && key != "limits" && key != "intake") keys.emplace_back(key);
    for (std::string_view key : kCacheKeys)
        keys.push_back(fmt::format("cache.{}", key));
    for (std::string_view key : kLimitKeys)
        keys.push_back(fmt::format("limits.{}", key));
    for (std::string_view key : kIntakeKeys)
        keys.push_back(fmt::format("intake.{}", key));
    return keys;
}

Result<FileOptions> parse_config_text(std::string_view text, std::string_view source,
                                      Options defaults) {
    const Reader reader(source);
    FERRY_TRY(root, config::toml_reader::parse(text, source));
    FileOptions out{std::move(defaults), false};
    Options& o = out.options;
    // The file replaces these lists as a whole, as the command line does.
    o.listen.clear();
    o.allow.clear();
    o.allow_given = false;
    for (const Entry& e : in_file_order(*root)) {
        const std::string_view path = e.key;
        if (e.key == "listen" || e.key == "allow" || e.key == "metrics") {
            FERRY_TRY_VOID(read_addresses(reader, e, o));
        } else if (e.key == "jobs") {
            FERRY_TRY_VOID(set_integer(reader, e, path, 1, kMaxJobs, o.jobs));
        } else if (e.key == "name") {
            FERRY_TRY(v, reader.string(e, path));
            if (v->empty()) return reader.error(e.line, path, "expected a name, got \"\"");
            o.name = std::move(*v);
        } else if (e.key == "user") {
            FERRY_TRY(v, reader.string(e, path));
            if (v->empty()) return reader.error(e.line, path, "expected a user name, got \"\"");
            o.user = std::move(*v);
        } else if (e.key == "key_file" || e.key == "log_file" || e.key == "pid_file") {
            FERRY_TRY(v, absolute_file(reader, e, path));
            (e.key == "key_file"   ? o.key_file
             : e.key == "log_file" ? o.log_file
                                   : o.pid_file) = std::move(*v);
        } else if (e.key == "compilers") {
            FERRY_TRY(items, reader.strings(e, path));
            o.compilers.clear();
            for (size_t i = 0; i < items->size(); ++i) {
                if ((*items)[i].value.empty())
                    return reader.error((*items)[i].line, fmt::format("compilers[{}]", i),
                                        "expected a compiler name or path, got \"\"");
                o.compilers.push_back(std::move((*items)[i].value));
            }
        } else if (e.key == "unsandboxed") {
            FERRY_TRY_VOID(set_boolean(reader, e, path, o.unsandboxed));
        } else if (e.key == "installed_compilers_only") {
            FERRY_TRY_VOID(set_boolean(reader, e, path, o.installed_compilers_only));
        } else if (e.key == "reuse_installed") {
            FERRY_TRY_VOID(set_boolean(reader, e, path, o.reuse_installed));
        } else if (e.key == "reuse_mirrors") {
            FERRY_TRY_VOID(set_boolean(reader, e, path, o.reuse_mirrors));
        } else if (e.key == "verbose") {
            FERRY_TRY_VOID(set_boolean(reader, e, path, o.verbose));
        } else if (e.key == "cache" || e.key == "limits" || e.key == "intake") {
            FERRY_TRY(table, reader.table(e, path));
            if (e.key == "cache") {
                FERRY_TRY_VOID(read_cache(reader, **table, o));
            } else if (e.key == "limits") {
                FERRY_TRY_VOID(read_limits(reader, **table, out));
            } else {
                FERRY_TRY_VOID(read_intake(reader, **table, o));
            }
        } else {
            return reader.unknown_key(e, path, kTopKeys);
        }
    }
    return out;
}

Result<std::optional<FileOptions>> load_config_file(const std::string& path, bool must_exist,
                                                    Options defaults) {
    auto text = read_file(path, kMaxConfigBytes);
    if (!text) {
        if (text.error().code == Errc::not_found && !must_exist)
            return std::optional<FileOptions>{};
        return make_error(Errc::invalid, "config file {}", text.error().message);
    }
    FERRY_TRY(parsed, parse_config_text(*text, path, std::move(defaults)));
    parsed->options.config_file = path;
    return std::optional<FileOptions>(std::move(*parsed));
}

} // namespace ferry::runner
