#include "doctor/render.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace ferry::doctor {

namespace {

const char* marker(Severity severity, bool unicode) {
    switch (severity) {
    case Severity::ok:
        return unicode ? "✓" : "ok";
    case Severity::info:
        return unicode ? "·" : "info";
    case Severity::warning:
        return unicode ? "!" : "warning";
    case Severity::problem:
        return unicode ? "✗" : "problem";
    }
    return "?";
}

constexpr Section kSections[] = {Section::configuration, Section::runners, Section::compilers,
                                 Section::coordinator};

std::string summary(const std::vector<Finding>& findings) {
    Tally t = tally(findings);
    if (t.problems == 0 && t.warnings == 0) return "all well";
    return fmt::format("{} problem(s), {} warning(s)", t.problems, t.warnings);
}

} // namespace

std::string render_text(const std::vector<Finding>& findings, bool unicode) {
    std::string out;
    for (Section section : kSections) {
        bool header = false;
        for (const auto& f : findings) {
            if (f.section != section) continue;
            if (!header) {
                out += fmt::format("{}:\n", section_name(section));
                header = true;
            }
            // Plain words are padded so the subjects line up in a log.
            out +=
                unicode
                    ? fmt::format("  {} {}: {}\n", marker(f.severity, true), f.subject, f.what)
                    : fmt::format("  {:<8}{}: {}\n", marker(f.severity, false), f.subject, f.what);
            if (!f.fix.empty()) out += fmt::format("      fix: {}\n", f.fix);
        }
    }
    out += summary(findings) + "\n";
    return out;
}

std::string render_json(const std::vector<Finding>& findings) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : findings)
        list.push_back({{"section", section_name(f.section)},
                        {"severity", severity_name(f.severity)},
                        {"subject", f.subject},
                        {"what", f.what},
                        {"fix", f.fix}});
    Tally t = tally(findings);
    nlohmann::json doc = {{"findings", std::move(list)},
                          {"problems", t.problems},
                          {"warnings", t.warnings},
                          {"summary", summary(findings)},
                          {"exit_status", exit_status(findings)}};
    // Invalid UTF-8 from a hostile peer's message must not throw out of dump().
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace ferry::doctor
