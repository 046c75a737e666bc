// Compiler names: "x86_64-linux-gnu-g++-12" is a g++ (C++ driver, gcc family).
#include "compiler/args.hpp"

#include <array>
#include <cctype>
#include <optional>

namespace ferry::compiler {
namespace {

// The compiler a name stands for, without target prefix and version suffix; nullopt when
// the name is not one of ours.
std::optional<std::string_view> base_name(std::string_view name) {
    if (auto slash = name.rfind('/'); slash != std::string_view::npos)
        name = name.substr(slash + 1);
    // Version suffix: -12, -14, -14.0.
    if (auto dash = name.rfind('-'); dash != std::string_view::npos && dash + 1 < name.size()) {
        auto version = name.substr(dash + 1);
        bool ok = std::isdigit(static_cast<unsigned char>(version.front())) &&
                  std::isdigit(static_cast<unsigned char>(version.back()));
        for (char c : version)
            ok = ok && (std::isdigit(static_cast<unsigned char>(c)) || c == '.');
        if (ok && version.find("..") == std::string_view::npos) name = name.substr(0, dash);
    }
    // Longest first, so "gcc" is not read as a prefixed "cc".
    static constexpr std::array kBases = {
        std::string_view("clang++"), std::string_view("clang"), std::string_view("g++"),
        std::string_view("gcc"),     std::string_view("c++"),   std::string_view("cc"),
    };
    for (auto base : kBases) {
        if (name == base) return base;
        if (name.size() <= base.size() + 1 || !name.ends_with(base)) continue;
        auto prefix = name.substr(0, name.size() - base.size());
        if (prefix.back() != '-') continue;
        prefix.remove_suffix(1);
        // A target triple has at least two parts (x86_64-linux-gnu, arm-none-eabi); this
        // keeps out wrappers like c89-gcc that are not compilers of their own.
        if (prefix.find('-') == std::string_view::npos) return std::nullopt;
        for (char c : prefix)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
                return std::nullopt;
        return base;
    }
    return std::nullopt;
}

} // namespace

Family family_of(std::string_view compiler_name) {
    auto base = base_name(compiler_name);
    return base && base->starts_with("clang") ? Family::clang : Family::gcc;
}

std::string driver_of(std::string_view compiler_name) {
    auto base = base_name(compiler_name);
    return base && base->ends_with("++") ? "c++" : "c";
}

bool is_known_compiler_name(std::string_view compiler_name) {
    return base_name(compiler_name).has_value();
}

} // namespace ferry::compiler
