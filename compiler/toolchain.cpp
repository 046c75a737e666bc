#include "compiler/toolchain.hpp"

#include "util/fd.hpp"
#include "util/fs.hpp"
#include "util/subprocess.hpp"

#include <algorithm>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::compiler {
namespace {

Error locally(Error e) {
    e.code = Errc::compile_locally;
    return e;
}

// Collects files and the links that lead to them.
class Collector {
  public:
    Result<std::string> add(const std::string& path) {
        FERRY_TRY(resolved, resolve_physical(path));
        for (auto& link : resolved->links)
            m_links.emplace(link.path, link.target);
        struct stat st {};
        if (::stat(resolved->path.c_str(), &st) != 0)
            return errno_error("stat " + resolved->path, errno);
        if (!S_ISREG(st.st_mode))
            return make_error(Errc::invalid, "{} is not a regular file", resolved->path);
        m_files.insert(resolved->path);
        return resolved->path;
    }
    // Every regular file below `dir`, if it exists (data the compiler may read).
    void add_tree(const std::string& dir, int depth = 0) {
        if (depth > 8) return;
        DIR* d = ::opendir(dir.c_str());
        if (!d) return;
        std::vector<std::string> names;
        while (dirent* e = ::readdir(d)) {
            std::string name = e->d_name;
            if (name != "." && name != "..") names.push_back(name);
        }
        ::closedir(d);
        for (const auto& name : names) {
            std::string full = dir + "/" + name;
            struct stat st {};
            if (::lstat(full.c_str(), &st) != 0) continue;
            if (S_ISDIR(st.st_mode))
                add_tree(full, depth + 1);
            else
                (void)add(full);
        }
    }
    ToolchainLayout take(std::string program, std::string path_env) {
        ToolchainLayout layout;
        layout.program = std::move(program);
        layout.path_env = std::move(path_env);
        layout.files.assign(m_files.begin(), m_files.end());
        for (auto& [path, target] : m_links)
            layout.links.push_back({path, target});
        return layout;
    }

  private:
    std::set<std::string> m_files;
    std::map<std::string, std::string> m_links;
};

Result<std::string> ask(const std::string& program, const std::string& option,
                        const std::string& path_env) {
    RunOptions options;
    options.argv = {program, option};
    options.program = program;
    options.env = std::vector<std::string>{"PATH=" + path_env, "LC_ALL=C"};
    options.max_capture = size_t(1) << 20;
    FERRY_TRY(result, run_process(options));
    if (result->shell_status() != 0)
        return make_error(Errc::invalid, "{} {} exited with status {}", program, option,
                          result->shell_status());
    std::string line = result->out.substr(0, result->out.find('\n'));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.pop_back();
    return line;
}

// The first bytes of a file (read_file refuses a file larger than asked for).
std::string head_of(const std::string& path, size_t size) {
    std::string out(size, '\0');
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    ssize_t n = fd ? ::read(fd.get(), out.data(), size) : -1;
    out.resize(n > 0 ? size_t(n) : 0);
    return out;
}

bool is_elf(const std::string& path) {
    return head_of(path, 4) == "\x7f"
                               "ELF";
}

// The "#!" interpreter of a script, or empty.
std::string script_interpreter(const std::string& path) {
    std::string head = head_of(path, 256);
    if (head.rfind("#!", 0) != 0) return {};
    std::string line = head.substr(2, head.find('\n') - 2);
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) return {};
    size_t end = line.find_first_of(" \t", start);
    return line.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// A process-wide memo: a runner probes gcc, gcc-12, cc and x86_64-linux-gnu-gcc-12, which are
// one binary, and each probe would otherwise run the loader and the driver again.
template <typename Value> class Memo {
  public:
    template <typename Make> Value get(const std::string& key, Make make) {
        {
            std::lock_guard lock(m_mutex);
            if (auto it = m_values.find(key); it != m_values.end()) return it->second;
        }
        Value value = make();
        std::lock_guard lock(m_mutex);
        m_values.emplace(key, value);
        return value;
    }

  private:
    std::mutex m_mutex;
    std::map<std::string, Value> m_values;
};

// The key of a file's version: a changed binary is probed again.
std::string stamp_key(const std::string& path, const std::string& extra = {}) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return fmt::format("{}\n{}\n{}.{}\n{}", path, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                       extra);
}

// The loader resolves libraries without LD_LIBRARY_PATH or LD_PRELOAD, as in a sandbox.
Result<std::vector<std::string>> trace_shared_objects(const std::string& program);

Result<std::vector<std::string>> shared_objects(const std::string& program) {
    static Memo<Result<std::vector<std::string>>> memo;
    std::string key = stamp_key(program);
    if (key.empty()) return trace_shared_objects(program);
    return memo.get(key, [&] { return trace_shared_objects(program); });
}

Result<std::vector<std::string>> trace_shared_objects(const std::string& program) {
    RunOptions options;
    options.argv = {program};
    options.program = program;
    options.env = std::vector<std::string>{"LD_TRACE_LOADED_OBJECTS=1", "PATH=/usr/bin:/bin"};
    options.max_capture = size_t(1) << 20;
    FERRY_TRY(result, run_process(options));
    if (result->shell_status() != 0 || result->out.find("not found") != std::string::npos)
        return make_error(Errc::invalid, "the dynamic loader cannot resolve what {} loads: {}",
                          program, result->out + result->err);
    return parse_loader_trace(result->out);
}

Result<void> add_program(Collector& collector, const std::string& path, int depth = 0) {
    if (depth > 4) return make_error(Errc::invalid, "{}: interpreters nest too deep", path);
    FERRY_TRY(physical, collector.add(path));
    if (is_elf(*physical)) {
        FERRY_TRY(objects, shared_objects(*physical));
        for (const auto& object : *objects)
            FERRY_TRY_VOID(collector.add(object));
        return ok();
    }
    std::string interpreter = script_interpreter(*physical);
    if (interpreter.empty() || interpreter[0] != '/')
        return make_error(Errc::invalid, "{} is neither an ELF program nor a script", path);
    return add_program(collector, interpreter, depth + 1);
}

// Where the driver finds a helper program: -print-prog-name answers a path when the helper
// is in the compiler's own directories, else just the name, which the driver then looks up
// on PATH like execvp.
std::string locate_helper(const std::string& program, const std::string& helper,
                          const std::string& path_env) {
    static Memo<Result<std::string>> memo;
    std::string option = "-print-prog-name=" + helper;
    std::string key = stamp_key(program, option + "\n" + path_env);
    auto answer = key.empty() ? ask(program, option, path_env)
                              : memo.get(key, [&] { return ask(program, option, path_env); });
    if (!answer || answer->empty()) return {};
    if ((*answer)[0] == '/') return *answer;
    return find_in_path(*answer, path_env);
}

// The GCC installations clang considers ("Found candidate GCC installation: DIR" in -v).
std::vector<std::string> scan_gcc_installations(const std::string& program,
                                                const std::string& path_env);

std::vector<std::string> gcc_installations(const std::string& program,
                                           const std::string& path_env) {
    static Memo<std::vector<std::string>> memo;
    std::string key = stamp_key(program, path_env);
    if (key.empty()) return scan_gcc_installations(program, path_env);
    return memo.get(key, [&] { return scan_gcc_installations(program, path_env); });
}

std::vector<std::string> scan_gcc_installations(const std::string& program,
                                                const std::string& path_env) {
    RunOptions options;
    options.argv = {program, "-v"};
    options.program = program;
    options.env = std::vector<std::string>{"PATH=" + path_env, "LC_ALL=C"};
    options.max_capture = size_t(1) << 20;
    std::vector<std::string> dirs;
    auto result = run_process(options);
    if (!result) return dirs;
    constexpr std::string_view kFound = "Found candidate GCC installation: ";
    for (size_t pos = result->err.find(kFound); pos != std::string::npos;
         pos = result->err.find(kFound, pos + 1)) {
        size_t start = pos + kFound.size();
        std::string dir = result->err.substr(start, result->err.find('\n', start) - start);
        if (!dir.empty() && dir[0] == '/') dirs.push_back(dir);
    }
    return dirs;
}

} // namespace

std::vector<std::string> parse_loader_trace(std::string_view trace) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < trace.size()) {
        size_t end = trace.find('\n', pos);
        if (end == std::string_view::npos) end = trace.size();
        std::string_view line = trace.substr(pos, end - pos);
        pos = end + 1;
        // "\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or
        // "\t/lib64/ld-linux-x86-64.so.2 (0x...)"; the vDSO has no file.
        size_t arrow = line.find("=> ");
        std::string_view rest =
            arrow == std::string_view::npos
                ? line.substr(std::min(line.find_first_not_of(" \t"), line.size()))
                : line.substr(arrow + 3);
        if (rest.empty() || rest[0] != '/') continue;
        out.emplace_back(rest.substr(0, rest.find(" (")));
    }
    return out;
}

Result<ToolchainLayout> discover_toolchain(const std::string& program, bool family_gcc,
                                           const std::string& path_env) {
    Collector collector;
    if (auto added = add_program(collector, program); !added) return locally(added.error());
    std::vector<std::string> helpers = {"as", "objcopy"};
    if (family_gcc) helpers.insert(helpers.begin(), {"cc1", "cc1plus"});
    for (const auto& helper : helpers) {
        std::string found = locate_helper(program, helper, path_env);
        struct stat st {};
        // A helper this installation lacks (no C++ front end, no binutils) fails the same
        // way here and there: nothing to ship.
        if (found.empty() || ::stat(found.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (auto added = add_program(collector, found); !added) return locally(added.error());
    }
    // What the loader and the C library read besides libraries: the loader's cache (it names
    // where each library is) and the locales (messages and quotes depend on them).
    if (::access("/etc/ld.so.cache", R_OK) == 0) (void)collector.add("/etc/ld.so.cache");
    collector.add_tree("/usr/lib/locale");
    if (!family_gcc) {
        // clang picks the GCC installation whose libstdc++ it uses by the crtbegin.o files it
        // finds (it never opens them, so no scan lists them): ship every candidate's, so the
        // same one is picked.
        for (const auto& dir : gcc_installations(program, path_env))
            for (const char* sub : {"", "/32", "/x32", "/64"})
                if (std::string crt = dir + sub + "/crtbegin.o"; ::access(crt.c_str(), R_OK) == 0)
                    (void)collector.add(crt);
        // clang reads its sanitizer ignore lists from the resource directory.
        if (auto resource = ask(program, "-print-resource-dir", path_env);
            resource && !resource->empty() && (*resource)[0] == '/')
            collector.add_tree(*resource + "/share");
    }
    return collector.take(program, path_env);
}

} // namespace ferry::compiler
