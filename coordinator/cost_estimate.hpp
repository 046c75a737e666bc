// What a unit never compiled before will probably cost, from its input bytes (the source and
// every header shipped with it, the source weighed more: cost_bytes) and the milliseconds per
// byte of the units the same compiler compiled for this coordinator. The scheduler orders its queue by expected cost, longest
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
#include <string_view>
#include <unordered_map>

namespace ferry::coordinator {

// What one input file weighs in a unit's estimate: its size, times kCodeWeight for a source
// file (the unit's own, or one it includes: `gtest-all.cc`). A header is mostly declarations
// the compiler parses; a source file's bytes are function bodies it optimises and templates it
// instantiates. Counted alike, the headers decided: on googletest (4 MB of headers under every
// unit, 2 to 263 KB of source) a 58 s unit ranked below 12 s ones and waited 63 s in the queue
// behind them (bench/farm, session 20's trace); per byte of its own source a googletest unit
// cost 150 to 250 times a header byte. 32 ranks those units by their cost (Spearman 0.79
// against 0.58 over its 17 remote compiles) without letting a small source outweigh a
// unit's headers in plain C.
inline constexpr uint64_t kCodeWeight = 32;
uint64_t cost_bytes(std::string_view path, uint64_t size);

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
