// What a unit never compiled before will probably cost, from its input bytes (the source and
// every header shipped with it) and the milliseconds per byte of the units the same compiler
// compiled for this coordinator. The scheduler orders its queue by expected cost, longest
// first (the classic answer to a build's tail: the longest job must not start last), and
// places a long job where it finishes first; a unit's own last compile time
// (cost_memory.hpp) wins over this estimate whenever there is one.
//
// A rate is per compiler identity: a C++ unit's templates cost far more per byte than a C
// unit's declarations. It is a decayed ratio of sums, so it follows the build and a few
// tiny units cannot swing it. An estimate orders and places jobs and delays a backup
// compile; it never decides what is compiled or where an answer comes from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace ferry::coordinator {

class CostEstimate {
  public:
    // Before any unit of a compiler completed: a first guess that only orders that
    // compiler's units among themselves (gcc -O2 spends about a millisecond per KiB of
    // preprocessed C).
    static constexpr double kUnknownMsPerByte = 1.0 / 1024;
    static constexpr uint32_t kMaxMs = 3600 * 1000;

    // A unit of `input_bytes` took `ms` with this compiler (0 of either teaches nothing).
    void learn(const std::string& compiler_id, uint64_t input_bytes, uint64_t ms);
    // The expected milliseconds of a unit of `input_bytes`; nullopt until a unit of this
    // compiler was learned, or when the input size is unknown (0).
    std::optional<uint32_t> estimate(const std::string& compiler_id, uint64_t input_bytes) const;
    // For ordering: the estimate, or the first guess above when there is none yet.
    double rank(const std::string& compiler_id, uint64_t input_bytes) const;

  private:
    struct Rate {
        double ms = 0;
        double bytes = 0;
    };
    std::unordered_map<std::string, Rate> m_rates;
};

} // namespace ferry::coordinator
