#include "compiler/languages.hpp"

#include <array>

namespace ferry::compiler {

std::string language_of_extension(std::string_view source) {
    auto dot = source.rfind('.');
    auto slash = source.rfind('/');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
        return {};
    auto ext = source.substr(dot + 1);
    if (ext == "c") return "c";
    // gcc 12's list of C++ extensions (gcc/cp/lang-specs.h) and what clang 14 accepts of it.
    static constexpr std::array kCxx = {
        std::string_view("cc"),  std::string_view("cpp"), std::string_view("cxx"),
        std::string_view("c++"), std::string_view("C"),   std::string_view("cp"),
        std::string_view("CPP"),
    };
    for (auto e : kCxx)
        if (ext == e) return "c++";
    return {};
}

bool is_distributed_language(std::string_view x_value) {
    return x_value == "c" || x_value == "c++";
}

} // namespace ferry::compiler
