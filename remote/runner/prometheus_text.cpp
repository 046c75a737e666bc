#include "remote/runner/prometheus_text.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <iterator>

namespace ferry::runner::prom {

Histogram::Histogram(std::vector<double> bounds)
    : m_bounds(std::move(bounds)), m_counts(m_bounds.size() + 1, 0) {}

void Histogram::observe(double value) {
    // `le` is "less than or equal": a value on a bound belongs to that bound's bucket.
    auto bucket = std::lower_bound(m_bounds.begin(), m_bounds.end(), value) - m_bounds.begin();
    m_counts[static_cast<size_t>(bucket)]++;
    m_count++;
    m_sum += value;
}

std::vector<uint64_t> Histogram::cumulative() const {
    std::vector<uint64_t> out(m_counts.size());
    uint64_t running = 0;
    for (size_t i = 0; i < m_counts.size(); ++i)
        out[i] = running += m_counts[i];
    return out;
}

std::string escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string escape_help(std::string_view help) {
    std::string out;
    out.reserve(help.size());
    for (char c : help) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string format_value(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    return fmt::format("{}", value);
}

static const char* type_name(Type type) {
    switch (type) {
    case Type::counter:
        return "counter";
    case Type::gauge:
        return "gauge";
    case Type::histogram:
        return "histogram";
    }
    return "untyped";
}

void TextWriter::family(std::string_view name, Type type, std::string_view help) {
    fmt::format_to(std::back_inserter(m_out), "# HELP {} {}\n# TYPE {} {}\n", name,
                   escape_help(help), name, type_name(type));
}

void TextWriter::sample_text(std::string_view name, std::initializer_list<Label> labels,
                             std::string_view value) {
    m_out += name;
    if (labels.size() != 0) {
        m_out += '{';
        bool first = true;
        for (const auto& label : labels) {
            if (!first) m_out += ',';
            first = false;
            fmt::format_to(std::back_inserter(m_out), "{}=\"{}\"", label.name,
                           escape_label_value(label.value));
        }
        m_out += '}';
    }
    m_out += ' ';
    m_out += value;
    m_out += '\n';
}

void TextWriter::sample(std::string_view name, std::initializer_list<Label> labels,
                        uint64_t value) {
    // Integers as integers: a counter past 2^53 must not be rounded through a double.
    sample_text(name, labels, fmt::format("{}", value));
}

void TextWriter::sample(std::string_view name, std::initializer_list<Label> labels, double value) {
    sample_text(name, labels, format_value(value));
}

void TextWriter::histogram(std::string_view name, std::string_view help,
                           const Histogram& histogram) {
    family(name, Type::histogram, help);
    const std::string bucket = fmt::format("{}_bucket", name);
    const auto counts = histogram.cumulative();
    const auto& bounds = histogram.bounds();
    for (size_t i = 0; i < bounds.size(); ++i)
        sample(bucket, {{"le", format_value(bounds[i])}}, counts[i]);
    sample(bucket, {{"le", "+Inf"}}, counts.back());
    sample(fmt::format("{}_sum", name), {}, histogram.sum());
    sample(fmt::format("{}_count", name), {}, histogram.count());
}

} // namespace ferry::runner::prom
