#include "coordinator/cost_estimate.hpp"

#include <algorithm>

namespace ferry::coordinator {
namespace {

// Each unit learned weighs this much less than the next: about the last thirty units speak.
constexpr double kDecay = 0.97;

// A source file by its name, as the compiler driver tells a language by it; anything else
// (a header, <vector> without an extension, a .inc table) is read as a header.
bool is_source_file(std::string_view path) {
    const size_t slash = path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    const std::string_view ext = name.substr(dot + 1);
    for (std::string_view known : {"c", "cc", "cp", "cxx", "cpp", "CPP", "c++", "C", "m", "mm"})
        if (ext == known) return true;
    return false;
}

} // namespace

uint64_t cost_bytes(std::string_view path, uint64_t size) {
    return is_source_file(path) ? size * kCodeWeight : size;
}

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
