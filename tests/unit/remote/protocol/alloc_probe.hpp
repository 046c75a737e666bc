// Records the largest single allocation made while a probe is alive (this test binary
// replaces global operator new), to prove hostile lengths are rejected before allocating.
#pragma once

#include <cstddef>

namespace ferry::test {

class AllocationProbe {
  public:
    AllocationProbe();
    ~AllocationProbe();
    AllocationProbe(const AllocationProbe&) = delete;
    AllocationProbe& operator=(const AllocationProbe&) = delete;
    size_t largest() const;
};

} // namespace ferry::test
