#include "remote/runner/allowlist.hpp"

#include "util/fs.hpp"

namespace ferry::runner {

CompilerAllowlist::CompilerAllowlist(std::vector<compiler::Identity> compilers)
    : m_compilers(std::move(compilers)) {}

Result<CompilerAllowlist> CompilerAllowlist::resolve(const std::vector<std::string>& names,
                                                     const std::string& path_env,
                                                     bool with_toolchain) {
    if (names.empty())
        return CompilerAllowlist(compiler::probe_default_allowlist(path_env, with_toolchain));
    std::vector<compiler::Identity> found;
    for (const auto& spec : names) {
        std::string name = basename(spec);
        std::string path =
            spec.find('/') != std::string::npos ? spec : find_in_path(spec, path_env);
        if (path.empty())
            return make_error(Errc::not_found, "--compiler {}: not found on PATH", spec);
        for (const auto& c : found)
            if (c.name == name)
                return make_error(Errc::invalid, "--compiler {}: '{}' is already offered", spec,
                                  name);
        auto identity = compiler::probe(path, name, path_env, with_toolchain);
        if (!identity)
            return make_error(identity.error().code, "--compiler {}: {}", spec,
                              identity.error().message);
        found.push_back(std::move(*identity));
    }
    return CompilerAllowlist(std::move(found));
}

Result<const compiler::Identity*> CompilerAllowlist::find(std::string_view name,
                                                          std::string_view id) const {
    for (const auto& c : m_compilers)
        if (c.name == name && c.id == id) return &c;
    return make_error(Errc::refused, "compiler '{}' with id {} is not offered by this runner", name,
                      id);
}

std::vector<proto::CompilerInfo> CompilerAllowlist::infos() const {
    std::vector<proto::CompilerInfo> out;
    for (const auto& c : m_compilers)
        out.push_back({c.name, c.driver, c.target, c.version, c.id});
    return out;
}

} // namespace ferry::runner
