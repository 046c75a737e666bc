#include "coordinator/cost_estimate.hpp"

#include "compiler/languages.hpp"

#include <algorithm>

namespace ferry::coordinator {
namespace {

// Each unit learned weighs this much less than the next: about the last thirty units speak.
constexpr double kDecay = 0.97;

} // namespace

void InputBytes::add(std::string_view path, uint64_t size, bool is_main) {
    if (is_main)
        main += size;
    else if (!compiler::language_of_extension(path).empty())
        sources += size;
    else
        headers += size;
}

uint64_t cost_bytes(const InputBytes& bytes) {
    return bytes.main + bytes.sources / kSourceDivisor + bytes.headers / kHeaderDivisor;
}

void CostEstimate::learn(const std::string& compiler_id, uint64_t cost_bytes, uint64_t ms) {
    if (cost_bytes == 0 || ms == 0) return;
    Rate& rate = m_rates[compiler_id];
    rate.ms = rate.ms * kDecay + static_cast<double>(std::min<uint64_t>(ms, kMaxMs));
    rate.bytes = rate.bytes * kDecay + static_cast<double>(cost_bytes);
}

std::optional<uint32_t> CostEstimate::estimate(const std::string& compiler_id,
                                               uint64_t cost_bytes) const {
    if (cost_bytes == 0) return std::nullopt;
    auto it = m_rates.find(compiler_id);
    if (it == m_rates.end() || it->second.bytes <= 0) return std::nullopt;
    const double ms = static_cast<double>(cost_bytes) * it->second.ms / it->second.bytes;
    return static_cast<uint32_t>(std::clamp(ms, 1.0, static_cast<double>(kMaxMs)));
}

double CostEstimate::rank(const std::string& compiler_id, uint64_t cost_bytes) const {
    if (auto ms = estimate(compiler_id, cost_bytes)) return *ms;
    return static_cast<double>(cost_bytes) * kUnknownMsPerByte;
}

} // namespace ferry::coordinator
