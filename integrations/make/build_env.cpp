#include "integrations/make/build_env.hpp"

#include "integrations/make/pool_session.hpp"
#include "util/subprocess.hpp"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace ferry::integrations {

std::string self_path() {
    char buf[PATH_MAX];
    if (::realpath("/proc/self/exe", buf)) return buf;
    return "ferry";
}

namespace {

bool assigned_in_args(const std::vector<std::string>& args, std::string_view var) {
    for (const auto& a : args) {
        // make accepts "CC=x", "CC:=x", "CC::=x", "CC+=x" on its command line.
        if (a.size() <= var.size() || a.compare(0, var.size(), var) != 0) continue;
        char c = a[var.size()];
        if (c == '=' || c == ':' || c == '+' || c == '?') return true;
    }
    return false;
}

} // namespace

std::vector<std::string> set_wrapper_compilers(std::vector<std::string>& env,
                                               const std::vector<std::string>& tool_args) {
    std::vector<std::string> set;
    const std::string self = self_path();
    for (auto [var, compiler] : {std::pair{"CC", "cc"}, std::pair{"CXX", "c++"}}) {
        if (env_has(env, var) || assigned_in_args(tool_args, var)) continue;
        env_set(env, var, self + " " + compiler);
        set.push_back(var);
    }
    return set;
}

std::optional<std::pair<int, int>> parse_version(std::string_view text) {
    // The first "N.M" on the first line.
    text = text.substr(0, text.find('\n'));
    for (size_t i = 0; i < text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) continue;
        if (i > 0 && (std::isalnum(static_cast<unsigned char>(text[i - 1])))) continue;
        size_t j = i;
        int major = 0, minor = 0;
        while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])))
            major = major * 10 + (text[j++] - '0');
        if (j + 1 >= text.size() || text[j] != '.' ||
            !std::isdigit(static_cast<unsigned char>(text[j + 1])))
            continue;
        ++j;
        while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])))
            minor = minor * 10 + (text[j++] - '0');
        return std::pair{major, minor};
    }
    return std::nullopt;
}

std::optional<std::pair<int, int>> tool_version(const std::string& program) {
    RunOptions o;
    o.argv = {program, "--version"};
    auto r = run_process(o);
    if (!r || r->exit_code != 0) return std::nullopt;
    return parse_version(r->out);
}

bool has_jobs_option(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        if (a == "--") break;
        if (a == "-j" || a == "--jobs" || a.rfind("--jobs=", 0) == 0) return true;
        // -j8, and -kj8 style bundles of single-letter flags ending in j.
        if (a.size() >= 2 && a[0] == '-' && a[1] != '-') {
            auto pos = a.find('j');
            if (pos != std::string::npos) {
                // Only flags without an argument may come before it: "-Ijdir" is -I jdir.
                constexpr std::string_view kPlainFlags = "bBeiknpqrRsStvwL";
                bool letters = true;
                for (size_t i = 1; i < pos; ++i)
                    if (kPlainFlags.find(a[i]) == std::string_view::npos) letters = false;
                if (letters) return true;
            }
        }
    }
    return false;
}

jobserver::ChildStyle make_jobserver_style(const std::vector<std::string>& make_args,
                                           std::optional<std::pair<int, int>> make_version) {
    constexpr std::string_view kOption = "--jobserver-style";
    std::optional<jobserver::ChildStyle> asked;
    for (size_t i = 0; i < make_args.size(); ++i) {
        std::string_view a = make_args[i];
        if (a == "--") break; // variable assignments follow
        std::string_view value;
        if (a == kOption && i + 1 < make_args.size())
            value = make_args[++i];
        else if (a.size() > kOption.size() && a.substr(0, kOption.size()) == kOption &&
                 a[kOption.size()] == '=')
            value = a.substr(kOption.size() + 1);
        else
            continue;
        // The last one counts, as in make's own option parsing; "sem" (Windows) is no style
        // of ours, and make rejects it on POSIX itself.
        if (value == "fifo") asked = jobserver::ChildStyle::fifo;
        if (value == "pipe") asked = jobserver::ChildStyle::pipe;
    }
    if (asked) return *asked;
    return make_version && *make_version >= std::pair{4, 4} ? jobserver::ChildStyle::fifo
                                                            : jobserver::ChildStyle::pipe;
}

[[noreturn]] void exec_with_env(const std::vector<std::string>& argv,
                                const std::vector<std::string>& env, const char* name) {
    std::vector<char*> a, e;
    for (auto& s : argv)
        a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    for (auto& s : env)
        e.push_back(const_cast<char*>(s.c_str()));
    e.push_back(nullptr);
    ::execvpe(a[0], a.data(), e.data());
    int err = errno;
    std::fprintf(stderr, "%s: cannot run %s: %s\n", name, argv[0].c_str(), std::strerror(err));
    std::fflush(stderr);
    ::_exit(err == ENOENT ? 127 : 126);
}

} // namespace ferry::integrations
