// The macros in effect while a translation unit is walked, and their expansion: enough of the
// preprocessor for `#include MACRO` and `#if` expressions. A macro defined or undefined inside
// a group whose condition could not be decided is *uncertain*: the walk took that group
// without knowing whether the compile does, so anything that reads the macro afterwards is
// unknown too (an `#if` takes both branches; a computed include is reported).
#pragma once

#include "coordinator/includes/directive_lexer.hpp"

#include <cstdint>
#include <memory>
#include <memory_resource>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ferry::includes {

enum class MacroState : uint8_t { defined, undefined, unknown };

// A macro's entry as a walk sees it, kept by a memoised visit (walk_memo.hpp): what it read
// and what it left. Two values are equal when they give every reader the same answer.
// `macro` is borrowed, as a table's entries borrow theirs (MacroTable below): the memo keeps
// the lexed files that own its values' macros (WalkMemo::keep).
struct MacroValue {
    const Macro* macro = nullptr; // null unless defined
    bool present = false;         // false: no entry at all (certainly undefined)
    bool defined = false;
    bool uncertain = false;
    bool operator==(const MacroValue& other) const;
};

// Told of every lookup and change of a table's macros, while a walk records what a visit
// depends on (analyser.cpp). `unsupported`: a change it cannot describe as values
// (#pragma push_macro/pop_macro), so the visit is not memoised.
class MacroObserver {
  public:
    virtual ~MacroObserver() = default;
    virtual void read(NameRef name) = 0;
    virtual void wrote(NameRef name) = 0;
    virtual void unsupported() = 0;
};

struct Expansion {
    std::vector<Token> tokens;
    bool uncertain = false;  // an uncertain macro took part
    bool incomplete = false; // an unterminated call or runaway expansion: do not trust it
};

class MacroTable {
  public:
    MacroTable() = default;
    // A table that starts as `base` and never changes it: the compiler's predefined macros
    // (with the command line's -D/-U) are made once per compiler and command-line shape and
    // shared by every unit's walk (DirectiveCache::defines_of), rather than defined again for
    // each unit and destroyed after it — measured, a third of the coordinator's CPU on
    // OpenSSL (bench/farm, --profile). `base` must have no base of its own.
    explicit MacroTable(std::shared_ptr<const MacroTable> base);
    // A unit's table: its entries live in `arena` (a walk's monotonic buffer), so the
    // thousands of definitions a unit's headers make cost no malloc each and no free at the
    // end (measured: the table's allocation and destruction were a fifth of the
    // coordinator's CPU). `arena` must outlive the table.
    MacroTable(std::shared_ptr<const MacroTable> base, std::pmr::memory_resource* arena);
    // The base of an empty table (one made with its arena before the base was known).
    void set_base(std::shared_ptr<const MacroTable> base);
    void reserve(size_t entries) { m_macros.reserve(entries); }

    // `tokens`: what follows `#define`. False if the name is missing or malformed. The macro
    // is the table's own: a walk that records into a memo defines from lexed directives only.
    bool define(const std::vector<Token>& tokens, bool uncertain);
    // A lexed #define: its macro is borrowed, not copied — the directive (its LexedFile) must
    // outlive the table, as the walk's DirectiveCache does. Borrowing, not sharing: a memo's
    // replay puts back hundreds of macros per unit, and a shared owner's count was an atomic
    // write to a cold cache line per macro, twice (bench/include_walk, session 24: a tenth
    // of the coordinator's CPU). False if it is malformed.
    bool define(const Directive& directive, bool uncertain);
    void undef(NameRef name, bool uncertain);
    MacroState state(NameRef name) const;
    // The definition in effect, certain or not; null when there is none.
    const Macro* definition(NameRef name) const;
    // #pragma push_macro / pop_macro.
    void push(const std::string& name);
    void pop(const std::string& name);

    // The entry in effect, unobserved; `holds`: whether it equals `value`.
    MacroValue value(NameRef name) const;
    bool holds(NameRef name, const MacroValue& value) const;
    // Puts back an entry `value` returned (a memoised visit's result), unobserved.
    void restore(NameRef name, const MacroValue& value);
    // Null: nobody is told. The observer must outlive its time here.
    void set_observer(MacroObserver* observer) { m_observer = observer; }

    // Expands every macro in `tokens`. With `in_if`, the operand of `defined` and the
    // argument of `__has_include(_next)` are left alone, as the preprocessor does there.
    Expansion expand(const std::vector<Token>& tokens, bool in_if) const;
    // What every expansion made through this table has cost so far: its steps and the tokens
    // its substitutions copied and shifted. One expansion is bounded; a walk bounds the sum
    // (AnalyserInput::max_work).
    uint64_t expansion_work() const { return m_expansion_work; }

  private:
    // Not defined and not uncertain: a base macro this table undefined for certain (a table
    // without a base erases the entry instead).
    struct Entry {
        const Macro* macro = nullptr; // null unless defined; borrowed (define above)
        bool defined = false;
        bool uncertain = false;
    };
    // A name as the table keeps it: its text, copied into the table's arena once, and the hash
    // it came with. Nothing hashes a name again: not a lookup, not an insertion, not a
    // rehash (a unit's walk inserts thousands of names its table has never held: hashing
    // them on insertion and on every growth was a tenth of the walk's instructions).
    using Name = NameRef;
    using Slot = std::pair<const Name, Entry>;
    struct NameHash {
        using is_transparent = void;
        size_t operator()(const NameRef& n) const noexcept { return n.hash; }
    };
    struct NameEqual {
        using is_transparent = void;
        bool operator()(const NameRef& a, const NameRef& b) const noexcept {
            return a.hash == b.hash && a.text == b.text;
        }
    };
    struct Saved {
        bool present = false;
        Entry entry;
    };
    // The entry in effect: this table's own, else the base's; null when there is none.
    // `find` tells the observer, `lookup` does not.
    const Slot* find(NameRef name) const;
    const Slot* lookup(NameRef name) const;
    // `name` is certainly undefined from here on.
    void remove(NameRef name);
    void insert(NameRef name, const Macro* macro, bool uncertain);
    // Replaces the entry of `name`, or makes one.
    void assign(NameRef name, Entry entry);
    // A new name's key, its text in `m_text`.
    Name keep(NameRef name);

    // Where keys' text lives: the table's arena, else `m_own_text`.
    std::pmr::monotonic_buffer_resource m_own_text;
    std::pmr::memory_resource* m_text = &m_own_text;
    std::pmr::unordered_map<Name, Entry, NameHash, NameEqual> m_macros; // over the base's
    std::unordered_map<std::string, std::vector<Saved>> m_pushed;
    std::shared_ptr<const MacroTable> m_base;
    std::vector<std::shared_ptr<const Macro>> m_owned; // what define(tokens) parsed
    mutable uint64_t m_expansion_work = 0;
    MacroObserver* m_observer = nullptr;
    friend class Expander;
};

} // namespace ferry::includes
