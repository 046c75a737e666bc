#include "doctor/finding.hpp"

namespace ferry::doctor {

const char* section_name(Section section) {
    switch (section) {
    case Section::configuration:
        return "configuration";
    case Section::runners:
        return "runners";
    case Section::compilers:
        return "compilers";
    case Section::coordinator:
        return "coordinator";
    }
    return "?";
}

const char* severity_name(Severity severity) {
    switch (severity) {
    case Severity::ok:
        return "ok";
    case Severity::info:
        return "info";
    case Severity::warning:
        return "warning";
    case Severity::problem:
        return "problem";
    }
    return "?";
}

Tally tally(const std::vector<Finding>& findings) {
    Tally t;
    for (const auto& f : findings) {
        if (f.severity == Severity::problem) ++t.problems;
        if (f.severity == Severity::warning) ++t.warnings;
    }
    return t;
}

int exit_status(const std::vector<Finding>& findings) {
    return tally(findings).problems > 0;
}

} // namespace ferry::doctor
