#include "client/request.hpp"

#include "client/scan_files.hpp"

#include <array>
#include <cstring>
#include <sys/stat.h>

namespace ferry::client {

proto::EnvList forwarded_environment(const std::vector<std::string>& env) {
    // Locale and message formatting, reproducible-build timestamps, colour and URL styling.
    static constexpr std::array<std::string_view, 9> kForwarded = {
        "LANG",       "LC_ALL",   "LC_MESSAGES", "LC_CTYPE", "SOURCE_DATE_EPOCH",
        "GCC_COLORS", "GCC_URLS", "TERM_URLS",   "COLUMNS"};
    proto::EnvList out;
    for (auto name : kForwarded) {
        for (const auto& entry : env) {
            if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0 &&
                entry[name.size()] == '=') {
                out.emplace_back(std::string(name), entry.substr(name.size() + 1));
                break;
            }
        }
    }
    return out;
}

std::string logical_cwd(const std::vector<std::string>& env, const std::string& cwd) {
    for (const auto& entry : env) {
        if (!entry.starts_with("PWD=")) continue;
        std::string pwd = entry.substr(4);
        if (!pwd.starts_with('/') || pwd == cwd) return {};
        struct stat here {
        }, named{};
        if (::stat(cwd.c_str(), &here) != 0 || ::stat(pwd.c_str(), &named) != 0) return {};
        if (here.st_dev != named.st_dev || here.st_ino != named.st_ino) return {};
        return pwd;
    }
    return {};
}

bool wants_color(bool stderr_is_tty, const char* term, const std::vector<std::string>& args) {
    for (const auto& arg : args)
        if (arg.rfind("-fdiagnostics-color", 0) == 0 || arg == "-fno-diagnostics-color" ||
            arg == "-fcolor-diagnostics" || arg == "-fno-color-diagnostics")
            return false; // the compiler on the runner obeys the user's own flag
    return stderr_is_tty && term != nullptr && *term != '\0' && std::strcmp(term, "dumb") != 0;
}

proto::IpcCompile build_request(const CompileInputs& in, const compiler::Analysis& analysis,
                                const compiler::ScanResult& scan) {
    proto::IpcCompile req;
    req.compiler_path = in.compiler_path;
    req.driver = compiler::driver_of(in.compiler_name);
    req.cwd = in.cwd;
    req.args = analysis.remote_args;
    req.env = forwarded_environment(in.env);
    if (auto pwd = logical_cwd(in.env, in.cwd); !pwd.empty()) req.env.emplace_back("PWD", pwd);
    const auto family = compiler::family_of(in.compiler_name);
    req.files = files_to_ship(analysis.source, scan, in.cwd, reads_stdc_predef(family, req.args));
    req.system_include_dirs =
        compiler::builtin_include_dirs(scan, analysis.user_include_dirs, in.cwd);
    req.outputs = analysis.outputs;
    req.language = analysis.language;
    req.color_diagnostics = wants_color(in.stderr_is_tty, in.term, req.args);
    return req;
}

} // namespace ferry::client
