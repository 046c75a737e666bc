#include "compiler/identity.hpp"

#include "compiler/args.hpp"
#include "util/fs.hpp"
#include "util/hash.hpp"
#include "util/log.hpp"
#include "util/stat_cache.hpp"
#include "util/subprocess.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <dirent.h>
#include <memory>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::compiler {
namespace {

// Hashes of toolchain files by physical path while their stat stamp holds
// (util/stat_cache.hpp): clang, clang++ and clang-14 share one 100 MB library, and every
// compiler shares libc. A runner probes its compilers on several threads.
class FileHashCache {
  public:
    Result<Identity::File> hash(const std::string& path) {
        FERRY_TRY(seen, m_cache.stat(path));
        {
            std::lock_guard lock(m_mutex);
            if (const Identity::File* cached = m_cache.find(path, seen->stamp)) return *cached;
        }
        // Streamed: a toolchain has 100 MiB libraries, and a runner hashes them at start-up.
        FERRY_TRY(digest, hash_file_hex(path));
        Identity::File file{path, std::move(*digest), seen->stamp.size, seen->stamp.mtime_ns};
        std::lock_guard lock(m_mutex);
        m_cache.store(path, *seen, file);
        return file;
    }

  private:
    std::mutex m_mutex;
    StatCache<Identity::File> m_cache; // stat() is const and needs no lock
};

FileHashCache& hash_cache() {
    static FileHashCache cache;
    return cache;
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

Result<Identity> probe(const std::string& path, const std::string& name,
                       const std::string& path_env, bool with_toolchain) {
    Identity identity;
    identity.path = path;
    identity.name = name;
    identity.driver = driver_of(name);
    FERRY_TRY(target, ask(path, "-dumpmachine"));
    if (target->empty()) return make_error(Errc::invalid, "{} -dumpmachine printed nothing", path);
    identity.target = std::move(*target);
    FERRY_TRY(version, ask(path, "--version"));
    identity.version = std::move(*version);

    // Labelled pieces, so no two different inputs concatenate to the same bytes.
    Hasher hasher;
    auto piece = [&hasher](std::string_view label, std::string_view value) {
        hasher.update(label);
        hasher.update(std::to_string(value.size()));
        hasher.update(":");
        hasher.update(value);
    };
    if (!with_toolchain) {
        FERRY_TRY(driver, hash_cache().hash(path));
        piece("driver-binary", driver->hash);
        piece("version", identity.version);
        piece("target", identity.target);
        piece("driver", identity.driver);
        identity.id = hasher.hex_digest();
        return identity;
    }
    const char* inherited = std::getenv("PATH");
    std::string search = !path_env.empty() ? path_env : inherited ? inherited : "/usr/bin:/bin";
    FERRY_TRY(layout, discover_toolchain(path, family_of(name) == Family::gcc, search));
    identity.toolchain = std::move(*layout);

    piece("program", identity.toolchain.program);
    piece("path", identity.toolchain.path_env);
    for (const auto& file : identity.toolchain.files) {
        FERRY_TRY(hashed, hash_cache().hash(file));
        piece("file", file);
        piece("content", hashed->hash);
        identity.toolchain_files.push_back(std::move(*hashed));
    }
    for (const auto& link : identity.toolchain.links) {
        piece("link", link.path);
        piece("target", link.target);
    }
    piece("version", identity.version);
    piece("target", identity.target);
    piece("driver", identity.driver);
    identity.id = hasher.hex_digest();
    return identity;
}

std::vector<Identity> probe_default_allowlist(const std::string& path_env, bool with_toolchain) {
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
                auto identity = probe(full, name, path_env, with_toolchain);
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
