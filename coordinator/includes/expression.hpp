// `#if`/`#elif` conditions, evaluated the way the preprocessor does (macros expanded,
// `defined`, integer arithmetic in intmax_t/uintmax_t) but with a third answer: *unknown*,
// for whatever depends on the compiler's built-ins (`__has_builtin`, `__has_attribute`,
// `__has_feature`...), on a macro defined under an unknown condition, or on something this
// evaluator does not understand. Unknown means "take both branches": it can only make the
// analysis include more, never hide a branch the compile takes.
#pragma once

#include "coordinator/includes/directive_lexer.hpp"
#include "coordinator/includes/macro_table.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ferry::includes {

enum class Tri : uint8_t { no, yes, unknown };

struct HeaderQuery {
    std::string name; // between the quotes or angle brackets
    bool angled = false;
    bool next = false; // __has_include_next
};

struct EvalContext {
    const MacroTable* macros = nullptr;
    bool cplusplus = false; // `true`/`false` and the alternative operators (`and`, `not`...)
    // __has_include: yes if the search finds the file. Unset: unknown.
    std::function<Tri(const HeaderQuery&)> has_include;
};

Tri evaluate(const std::vector<Token>& condition, const EvalContext& context);

// The header named by `#include` tokens after expansion: `"a.h"`, or `<` ... `>` spelled
// back together. False if the tokens name no header.
bool header_from_tokens(const std::vector<Token>& tokens, std::string& name, bool& angled);

} // namespace ferry::includes
