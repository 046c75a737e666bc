#include "compiler/output_names.hpp"

#include "util/fs.hpp"

namespace ferry::compiler {

std::string strip_extension(std::string_view path, bool leading_dot_is_extension) {
    auto slash = path.rfind('/');
    size_t start = slash == std::string_view::npos ? 0 : slash + 1;
    auto dot = path.rfind('.');
    if (dot == std::string_view::npos || dot < start) return std::string(path);
    if (dot == start && !leading_dot_is_extension) return std::string(path);
    return std::string(path.substr(0, dot));
}

namespace {

std::string source_stem(std::string_view source, bool leading_dot_is_extension) {
    return strip_extension(basename(source), leading_dot_is_extension);
}

} // namespace

std::string default_object(std::string_view source, bool assemble_only) {
    return source_stem(source, false) + (assemble_only ? ".s" : ".o");
}

std::string default_depfile(std::string_view source, std::string_view explicit_output) {
    if (!explicit_output.empty()) return strip_extension(explicit_output, true) + ".d";
    return source_stem(source, true) + ".d";
}

std::string stack_usage_file(Family family, std::string_view source,
                             std::string_view explicit_output) {
    bool leading_dot = family == Family::clang;
    if (!explicit_output.empty()) return strip_extension(explicit_output, leading_dot) + ".su";
    return source_stem(source, leading_dot) + ".su";
}

std::string split_dwarf_file(Family family, std::string_view source,
                             std::string_view explicit_output, bool assemble_only) {
    if (family == Family::gcc) {
        if (assemble_only) return {};
        if (!explicit_output.empty()) return strip_extension(explicit_output, false) + ".dwo";
        return source_stem(source, false) + ".dwo";
    }
    if (!explicit_output.empty() && !assemble_only)
        return strip_extension(explicit_output, true) + ".dwo";
    return source_stem(source, true) + ".dwo";
}

} // namespace ferry::compiler
