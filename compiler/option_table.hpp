// The compiler options ferry understands, shared by the client's analyser and the runner's
// policy so both sides agree on what each argument is. The table knows which options take a
// value and in which spellings (-Ifoo, -I foo, --include-directory=foo), so a value is never
// mistaken for a source file, and what each option means for distribution.
#pragma once

#include "compiler/args.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ferry::compiler {

enum class Role {
    plain,          // kept as is on both sides
    compile,        // -c
    assemble,       // -S
    preprocess,     // -E, -M, -MM: no object
    output,         // -o
    language,       // -x
    include_dir,    // -I, -isystem, -idirafter, -iquote
    forced_include, // -include, -imacros
    dep_flag,       // -MD, -MMD, -MP; -Wp,-MD,FILE and -Wp,-MMD,FILE (value FILE)
    dep_file,       // -MF
    dep_target,     // -MT, -MQ
    path,           // another file the compiler opens (-fsanitize-ignorelist=)
    prefix_map,     // -ffile-prefix-map=OLD=NEW and friends
    assembler,      // -Wa,..., -Xassembler: allowed only from a short list
    arch,           // -march= / -mcpu= / -mtune=: "native" differs per machine
    local_only,     // never distributed, refused by runners
};

struct OptionMatch {
    std::string canonical; // the option's canonical name (-MD for --write-dependencies)
    Role role = Role::plain;
    std::string value;         // the option's value, "" for flags
    size_t count = 1;          // arguments consumed (2 for a separate value)
    bool joined = false;       // value attached to the name (-Ifoo, --output=foo)
    std::string name;          // the spelling matched (-I, --include-directory=)
    const char* why = nullptr; // for local_only: why it cannot be distributed
};

enum class MatchError { unknown, missing_value };

// Matches args[i] (which starts with '-' and is not "-"). `family` nullopt accepts the options
// of every family (the runner does not know which driver it is).
std::variant<OptionMatch, MatchError> match_option(const std::vector<std::string>& args, size_t i,
                                                   std::optional<Family> family);

// -Wa,/-Xassembler items a runner accepts: they change the object, never write other files.
bool is_allowed_assembler_option(std::string_view item);
// Every item of an assembler match (-Wa,a,b or -Xassembler a) is allowed.
bool assembler_options_allowed(const OptionMatch& match);

// The argument(s) of a match as one readable string ("-I ../x", "-I../x").
std::string spelled(const std::vector<std::string>& args, size_t i, const OptionMatch& match);

} // namespace ferry::compiler
