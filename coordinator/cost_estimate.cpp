#include "coordinator/cost_estimate.hpp"

#include <algorithm>

namespace ferry::coordinator {
namespace {

// Each unit learned weighs this much less than the next: about the last thirty units speak.
constexpr double kDecay = 0.97;

} // namespace

void CostEstimate::learn(const std::string& compiler_id, uint64_t input_bytes, uint64_t ms) {
    if (input_bytes == 0 || ms == 0) return;
    Rate& rate = m_rates[compiler_id];
    rate.ms = rate.ms * kDecay + static_cast<double>(std::min<uint64_t>(ms, kMaxMs));
    rate.bytes = rate.bytes * kDecay + static_cast<double>(input_bytes);
}

std::optional<uint32_t> CostEstimate::estimate(const std::string& compiler_id,
                                               uint64_t input_bytes) const {
    if (input_bytes == 0) return std::nullopt;
    auto it = m_rates.find(compiler_id);
    if (it == m_rates.end() || it->second.bytes <= 0) return std::nullopt;
    const double ms = static_cast<double>(input_bytes) * it->second.ms / it->second.bytes;
    return static_cast<uint32_t>(std::clamp(ms, 1.0, static_cast<double>(kMaxMs)));
}

double CostEstimate::rank(const std::string& compiler_id, uint64_t input_bytes) const {
    if (auto ms = estimate(compiler_id, input_bytes)) return *ms;
    return static_cast<double>(input_bytes) * kUnknownMsPerByte;
}

} // namespace ferry::coordinator
