// What a unit never compiled before will probably cost, from its cost bytes (its input bytes
// weighted by what a compile's time grows with, below) and the milliseconds per cost byte of
// the units the same compiler compiled for this coordinator. The scheduler orders its queue by
// expected cost, longest first (the classic answer to a build's tail: the longest job must not
// start last), and places a long job where it finishes first; a unit's own last compile time
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

// A unit's input bytes by kind. A compile's time grows with the code it compiles, not with
// the declarations it reads: measured on every unit of OpenSSL, googletest and Linux `mm/ lib/`
// (bench/cost_model), the unit's own file predicts its time far better than all its bytes,
// the headers add a near-constant price per unit (they are mostly the same for every unit),
// and a source file it includes (googletest's gtest-all.cc, a page of `#include`s of the
// library's .cc files) compiles like code, at a few times less per byte than a test's own file.
struct InputBytes {
    uint64_t main = 0;    // the unit's own source file
    uint64_t sources = 0; // C and C++ sources it includes (by their extension)
    uint64_t headers = 0; // everything else
    void add(std::string_view path, uint64_t size, bool is_main);
};

// The bytes the estimate counts: main + sources / kSourceDivisor + headers / kHeaderDivisor.
inline constexpr uint64_t kSourceDivisor = 4;
inline constexpr uint64_t kHeaderDivisor = 128;
uint64_t cost_bytes(const InputBytes& bytes);

class CostEstimate {
  public:
    // Before any unit of a compiler completed: a first guess that only orders that
    // compiler's units among themselves.
    static constexpr double kUnknownMsPerByte = 1.0 / 1024;
    static constexpr uint32_t kMaxMs = 3600 * 1000;

    // A unit of `cost_bytes` took `ms` with this compiler (0 of either teaches nothing).
    void learn(const std::string& compiler_id, uint64_t cost_bytes, uint64_t ms);
    // The expected milliseconds of a unit of `cost_bytes`; nullopt until a unit of this
    // compiler was learned, or when the input size is unknown (0).
    std::optional<uint32_t> estimate(const std::string& compiler_id, uint64_t cost_bytes) const;
    // For ordering: the estimate, or the first guess above when there is none yet.
    double rank(const std::string& compiler_id, uint64_t cost_bytes) const;

  private:
    struct Rate {
        double ms = 0;
        double bytes = 0;
    };
    std::unordered_map<std::string, Rate> m_rates;
};

} // namespace ferry::coordinator
