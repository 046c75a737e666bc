#include "compiler/include_dirs.hpp"

#include "compiler/option_table.hpp"

#include <string_view>
#include <variant>

namespace ferry::compiler {

std::vector<std::string> include_dirs_in(const std::vector<std::string>& args) {
    std::vector<std::string> dirs;
    for (size_t i = 0; i < args.size();) {
        if (args[i].size() < 2 || args[i][0] != '-') {
            ++i;
            continue;
        }
        auto result = match_option(args, i, std::nullopt);
        const auto* m = std::get_if<OptionMatch>(&result);
        if (!m) {
            ++i;
            continue;
        }
        if (m->role == Role::include_dir && !m->value.empty() && m->value != "-") {
            std::string_view dir = m->value;
            if (dir.starts_with('='))
                dir.remove_prefix(1);
            else if (dir.starts_with("$SYSROOT"))
                dir.remove_prefix(8);
            if (!dir.empty()) dirs.emplace_back(dir);
        }
        i += m->count;
    }
    return dirs;
}

} // namespace ferry::compiler
