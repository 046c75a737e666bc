#include "client/compiler_resolve.hpp"

#include "client/invocation.hpp"
#include "util/fs.hpp"

#include <climits>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::client {
namespace {

std::string real_path(const std::string& path) {
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf) == nullptr) return {};
    return buf;
}

bool is_executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
}

struct Lookup {
    std::string found;
    bool skipped_self = false;
};

// util's find_in_path takes a plain function pointer, which cannot carry `self`.
Lookup search_path(std::string_view name, std::string_view path_env, const std::string& self,
                   std::string_view cwd) {
    Lookup result;
    size_t i = 0;
    while (i <= path_env.size()) {
        size_t j = path_env.find(':', i);
        if (j == std::string_view::npos) j = path_env.size();
        // POSIX: an empty PATH entry is the current directory.
        const std::string dir = j > i ? std::string(path_env.substr(i, j - i)) : std::string(".");
        i = j + 1;
        // Joined, not normalised: ".." after a symlinked directory means what the kernel says.
        std::string candidate = join_path(cwd, join_path(dir, name));
        if (!is_executable_file(candidate)) continue;
        if (is_same_program(candidate, self)) {
            result.skipped_self = true;
            continue;
        }
        result.found = candidate;
        return result;
    }
    return result;
}

} // namespace

std::string self_executable() {
    return real_path("/proc/self/exe");
}

bool is_same_program(const std::string& candidate, const std::string& self) {
    if (self.empty()) return false;
    std::string real = real_path(candidate);
    if (real.empty()) return false;
    if (real == self) return true;
    // A hard link (or a bind mount) has another name but is the same file.
    struct stat a {
    }, b{};
    return ::stat(real.c_str(), &a) == 0 && ::stat(self.c_str(), &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

Result<std::string> resolve_compiler(std::string_view compiler, std::string_view path_env,
                                     const std::string& self, std::string_view cwd) {
    std::string name(compiler);
    if (names_a_path(compiler)) {
        std::string path = join_path(cwd, compiler);
        if (!is_same_program(path, self)) {
            if (!is_executable_file(path))
                return make_error(Errc::not_found, "ferry: cannot run the compiler {}", path);
            return path;
        }
        // CMAKE_C_COMPILER pointing at a masquerade symlink: find the real one by name.
        name = basename(compiler);
    }
    Lookup lookup = search_path(name, path_env, self, cwd);
    if (!lookup.found.empty()) return lookup.found;
    return make_error(Errc::not_found, "ferry: cannot find the real {} on PATH{}", name,
                      lookup.skipped_self ? " (only ferry itself)" : "");
}

} // namespace ferry::client
