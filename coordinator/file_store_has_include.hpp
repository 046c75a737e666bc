// Files a compile asks about without opening them. `#if __has_include("opt.h")` is true on
// the client when opt.h exists anywhere the compile searches, but the scan (-E -H) lists only
// files the preprocessor opened: a header that exists and is never included would be missing
// in the job's sandbox, and the runner would build another object. So the coordinator reads
// the names a shipped file asks about and ships every file of that name that exists here in a
// directory the compile searches (manifest.cpp); a name the coordinator cannot read (an
// argument that is a macro) sends the compile local.
//
// The reading is textual and coarse on purpose: shipping a file that exists here is always
// safe (the job sees what the client sees), so a false lookup costs a few bytes, while a
// missed one costs a wrong object. Comments, and string and character literals, are skipped
// (a `__has_include` in prose is no use); raw string literals and line splices inside a
// comment opener are not understood, which can only add lookups or send a compile local.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ferry::coordinator {

struct HeaderLookup {
    std::string name; // as spelled between the quotes or angle brackets
    bool angled = false;
    bool operator==(const HeaderLookup&) const = default;
};

// A call `NAME("x.h")` or `NAME(<x.h>)` of any function-like name: a lookup if NAME turns out
// to be a wrapper of __has_include (defined in this file or any other file of the job).
struct WrapperCall {
    std::string macro;
    HeaderLookup header;
    bool operator==(const WrapperCall&) const = default;
};

struct HasIncludeUses {
    // Literal arguments of __has_include and __has_include_next.
    std::vector<HeaderLookup> lookups;
    // NAME of each `#define NAME(p) __has_include(p)` (fmt's FMT_HAS_INCLUDE, toml++'s
    // TOML_HAS_INCLUDE). The #define line itself is not a use.
    std::vector<std::string> wrappers;
    // Literal calls of any name, kept in case the name is a wrapper.
    std::vector<WrapperCall> calls;
    // Names containing "has_include" (any case) called with an argument that is not a
    // literal: a use the coordinator cannot follow if the name is a wrapper. A wrapper
    // whose name does not say "has_include" and is called with a macro is not caught.
    std::vector<std::string> non_literal_calls;
    // The first use of __has_include(_next) the coordinator cannot follow (a macro argument,
    // the operator taken without arguments), as spelled; empty if none.
    std::string non_literal;

    bool empty() const {
        return lookups.empty() && wrappers.empty() && calls.empty() && non_literal_calls.empty() &&
               non_literal.empty();
    }
};

HasIncludeUses has_include_uses(std::string_view content);

} // namespace ferry::coordinator
