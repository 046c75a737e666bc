#include "remote/runner/opened_files.hpp"

#include "compiler/args.hpp"
#include "compiler/make_rule.hpp"
#include "util/fd.hpp"
#include "util/fs.hpp"

#include <fcntl.h>

namespace ferry::runner {

namespace {

// A rule lists each header once; some 1000 headers of 200 bytes is a large C++ unit.
constexpr size_t kMaxRule = size_t(16) << 20;

} // namespace

bool has_dependency_option(const std::vector<std::string>& args) {
    for (const auto& arg : args)
        if (arg.starts_with("-M") || arg.starts_with("-Wp,-M") || arg == "--write-dependencies" ||
            arg == "--write-user-dependencies" || arg.starts_with("--dependencies") ||
            arg.starts_with("--user-dependencies"))
            return true;
    return false;
}

std::vector<std::string> opened_rule_args(std::string_view rule_path) {
    return {"-MD", "-MF", std::string(rule_path)};
}

Result<std::vector<std::string>> opened_from_rule(std::string_view rule, std::string_view root) {
    FERRY_TRY(parsed, compiler::parse_make_rule(rule));
    std::vector<std::string> opened;
    opened.reserve(parsed->prerequisites.size());
    for (auto& path : parsed->prerequisites) {
        if (!root.empty() && path.starts_with(root) && path.size() > root.size() &&
            path[root.size()] == '/')
            path.erase(0, root.size());
        opened.push_back(std::move(path));
    }
    return opened;
}

Result<std::vector<std::string>>
opened_from_depfile(std::string_view compiler_name, const std::vector<std::string>& args,
                    const std::vector<proto::OutputFile>& outputs) {
    const std::string depfile = compiler::analyse(compiler_name, args).depfile;
    for (const auto& out : outputs) {
        if (depfile.empty() || out.path != depfile) continue;
        FERRY_TRY(rule, compiler::parse_depfile(out.data));
        return std::move(rule->prerequisites);
    }
    return make_error(Errc::invalid, "the compile wrote no dependency file");
}

Result<std::vector<std::string>> read_opened(const std::string& path, std::string_view root) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd) return make_error(Errc::io, "the compile wrote no make rule");
    FERRY_TRY(text, read_fd(fd.get(), kMaxRule, path));
    return opened_from_rule(*text, root);
}

} // namespace ferry::runner
