#include "compiler/identity.hpp"

#include "compiler/args.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "util/subprocess.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <dirent.h>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::compiler {
namespace {

// Hashes of compiler binaries by real path: clang, clang++ and clang-14 are one 100 MB file.
class BinaryHashCache {
  public:
    Result<std::string> hash(const std::string& real_path) {
        {
            std::lock_guard lock(m_mutex);
            if (auto it = m_hashes.find(real_path); it != m_hashes.end()) return it->second;
        }
        FERRY_TRY(digest, hash_file_hex(real_path));
        std::lock_guard lock(m_mutex);
        m_hashes.emplace(real_path, *digest);
        return *digest;
    }

  private:
    std::mutex m_mutex;
    std::map<std::string, std::string> m_hashes;
};

BinaryHashCache& hash_cache() {
    static BinaryHashCache cache;
    return cache;
}

Result<std::string> real_path(const std::string& path) {
    std::unique_ptr<char, decltype(&std::free)> resolved(realpath(path.c_str(), nullptr),
                                                         &std::free);
    if (!resolved) return errno_error("realpath " + path, errno);
    return std::string(resolved.get());
}

std::string first_line(const std::string& text) {
    auto line = text.substr(0, text.find('\n'));
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
        line.pop_back();
    return line;
}

Result<std::string> ask(const std::string& path, const std::string& option) {
    RunOptions options;
    options.argv = {path, option};
    options.program = path;
    options.max_capture = size_t(1) << 20;
    FERRY_TRY(result, run_process(options));
    if (result->shell_status() != 0)
        return make_error(Errc::invalid, "{} {} exited with status {}", path, option,
                          result->shell_status());
    return first_line(result->out);
}

bool is_regular_file(const std::string& path) {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

} // namespace

Result<Identity> probe(const std::string& path, const std::string& name) {
    Identity identity;
    identity.path = path;
    identity.name = name;
    identity.driver = driver_of(name);
    FERRY_TRY(target, ask(path, "-dumpmachine"));
    if (target->empty()) return make_error(Errc::invalid, "{} -dumpmachine printed nothing", path);
    identity.target = std::move(*target);
    FERRY_TRY(version, ask(path, "--version"));
    identity.version = std::move(*version);

    FERRY_TRY(binary, real_path(path));
    FERRY_TRY(binary_hash, hash_cache().hash(*binary));

    // Labelled pieces, so no two different inputs concatenate to the same bytes.
    Hasher hasher;
    auto piece = [&hasher](std::string_view label, std::string_view value) {
        hasher.update(label);
        hasher.update(std::to_string(value.size()));
        hasher.update(":");
        hasher.update(value);
    };
    piece("driver-binary", *binary_hash);
    if (family_of(name) == Family::gcc) {
        // The driver is a small program; the compiler proper is cc1/cc1plus. Names that
        // are not files (a clang called "cc" echoes "cc1") are skipped.
        for (const char* prog : {"cc1", "cc1plus"}) {
            auto location = ask(path, std::string("-print-prog-name=") + prog);
            if (!location || location->empty() || (*location)[0] != '/') continue;
            auto resolved = real_path(*location);
            if (!resolved || !is_regular_file(*resolved)) continue;
            FERRY_TRY(prog_hash, hash_cache().hash(*resolved));
            piece(prog, *prog_hash);
        }
    }
    piece("version", identity.version);
    piece("target", identity.target);
    piece("driver", identity.driver);
    identity.id = hasher.hex_digest();
    return identity;
}

std::vector<Identity> probe_default_allowlist(const std::string& path_env) {
    std::vector<Identity> identities;
    std::set<std::string> names_seen;
    std::string_view rest = path_env;
    while (true) {
        auto colon = rest.find(':');
        std::string dir(rest.substr(0, colon));
        if (!dir.empty()) {
            std::vector<std::string> names;
            if (DIR* d = opendir(dir.c_str())) {
                while (dirent* entry = readdir(d))
                    if (is_known_compiler_name(entry->d_name)) names.emplace_back(entry->d_name);
                closedir(d);
            }
            std::sort(names.begin(), names.end());
            for (const auto& name : names) {
                std::string full = dir + "/" + name;
                if (!is_regular_file(full) || access(full.c_str(), X_OK) != 0) continue;
                if (!names_seen.insert(name).second) continue;
                auto identity = probe(full, name);
                if (!identity) {
                    log::info("not allowing {}: {}", full, identity.error().message);
                    continue;
                }
                identities.push_back(std::move(*identity));
            }
        }
        if (colon == std::string_view::npos) break;
        rest.remove_prefix(colon + 1);
    }
    return identities;
}

} // namespace ferry::compiler
