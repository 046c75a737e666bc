// The Prometheus text exposition format, version 0.0.4: a `# HELP` and a `# TYPE` line per
// metric family, samples as `name{label="value"} number`, histograms as cumulative `_bucket`
// samples with an `le` label, then `_sum` and `_count`. Label values and help text are
// escaped as the format requires. Knows nothing of ferryd: metrics.cpp says what is exported.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::runner::prom {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

struct Label {
    std::string_view name;
    std::string_view value;
};

// Observations counted into fixed buckets. Each observation lands in one bucket here; the
// cumulative view the format wants is computed when it is rendered.
class Histogram {
  public:
    // Upper bounds, finite and strictly ascending; +Inf is implied.
    explicit Histogram(std::vector<double> bounds);

    void observe(double value);
    const std::vector<double>& bounds() const { return m_bounds; }
    // One count per bound (observations <= that bound), then the +Inf bucket (== count()).
    std::vector<uint64_t> cumulative() const;
    uint64_t count() const { return m_count; }
    double sum() const { return m_sum; }

  private:
    std::vector<double> m_bounds;
    std::vector<uint64_t> m_counts; // per bucket, not cumulative; the last is above every bound
    uint64_t m_count = 0;
    double m_sum = 0;
};

// `\` -> `\\`, `"` -> `\"`, newline -> `\n`.
std::string escape_label_value(std::string_view value);
// `\` -> `\\`, newline -> `\n` (quotes stay as they are in HELP text).
std::string escape_help(std::string_view help);
// Shortest text that reads back as the same double; "+Inf", "-Inf", "NaN" as the format says.
std::string format_value(double value);

enum class Type { counter, gauge, histogram };

class TextWriter {
  public:
    // Starts a family: its HELP and TYPE lines. Its samples follow.
    void family(std::string_view name, Type type, std::string_view help);
    void sample(std::string_view name, std::initializer_list<Label> labels, uint64_t value);
    void sample(std::string_view name, std::initializer_list<Label> labels, double value);
    // A whole histogram family: HELP, TYPE, buckets, _sum, _count.
    void histogram(std::string_view name, std::string_view help, const Histogram& histogram);

    const std::string& text() const { return m_out; }
    std::string take() { return std::move(m_out); }

  private:
    void sample_text(std::string_view name, std::initializer_list<Label> labels,
                     std::string_view value);

    std::string m_out;
};

} // namespace ferry::runner::prom
