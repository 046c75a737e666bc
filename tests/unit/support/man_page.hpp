// The manual pages of the TOML files (man/hosts.toml.5, man/ferryd.toml.5) as the unit tests
// read them, to compare the keys they document with the keys the parsers accept, both ways:
// a key added to a parser and not to its page, or left in a page after the parser dropped
// it, fails a test. The convention (man/README.md): in the page's KEYS section, each key is
// a `.TP` item whose tag line is `.B name`, and a `.SS` heading that names a table
// (`[client]`, `[[runner]]`) puts its name before the keys under it ("client.local_slots").
#pragma once

#include <doctest/doctest.h>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace ferry::test {

inline std::string read_source_file(const std::string& relative) {
    std::ifstream in(std::string(FERRY_SOURCE_DIR) + "/" + relative);
    REQUIRE_MESSAGE(in.good(), "cannot read ", relative);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The dotted keys documented in the KEYS section of a roff page.
inline std::set<std::string> documented_toml_keys(const std::string& roff) {
    std::set<std::string> keys;
    std::istringstream lines(roff);
    std::string line;
    std::string prefix;
    bool in_keys = false;
    bool tag_next = false;
    while (std::getline(lines, line)) {
        if (line.rfind(".SH", 0) == 0) {
            in_keys = line.find("KEYS") != std::string::npos;
            prefix.clear();
            tag_next = false;
            continue;
        }
        if (!in_keys) continue;
        if (line.rfind(".SS", 0) == 0) {
            // "[client]" or "[[runner]]": the table's name; any other heading: top level.
            const auto open = line.find_last_of('[');
            const auto close = line.find(']');
            prefix = open != std::string::npos && close != std::string::npos && close > open
                         ? line.substr(open + 1, close - open - 1) + "."
                         : std::string();
        } else if (line == ".TP") {
            tag_next = true;
        } else if (tag_next) {
            tag_next = false;
            if (line.rfind(".B ", 0) != 0) continue;
            std::string key = line.substr(3);
            key = key.substr(0, key.find(' '));
            keys.insert(prefix + key);
        }
    }
    return keys;
}

// "a, b" for a failure message.
inline std::string joined(const std::set<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

// Checks that `page` documents exactly `accepted`, naming what is missing and what is extra.
inline void check_page_documents(const std::string& page, const std::vector<std::string>& keys) {
    const std::set<std::string> accepted(keys.begin(), keys.end());
    const std::set<std::string> documented = documented_toml_keys(read_source_file(page));
    std::set<std::string> missing, extra;
    for (const auto& key : accepted)
        if (!documented.count(key)) missing.insert(key);
    for (const auto& key : documented)
        if (!accepted.count(key)) extra.insert(key);
    CHECK_MESSAGE(missing.empty(), page, " does not document: ", joined(missing));
    CHECK_MESSAGE(extra.empty(), page, " documents keys the parser does not take: ", joined(extra));
    CHECK(documented.size() > 3); // the convention was found at all
}

} // namespace ferry::test
