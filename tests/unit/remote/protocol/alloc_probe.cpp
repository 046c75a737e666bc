#include "tests/unit/remote/protocol/alloc_probe.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> g_track{false};
std::atomic<size_t> g_largest{0};
} // namespace

// Replacing the global allocation functions is allowed once per program; malloc/free keep
// them trivially matched.
void* operator new(size_t n) {
    if (g_track.load(std::memory_order_relaxed) && n > g_largest.load(std::memory_order_relaxed))
        g_largest.store(n, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, size_t) noexcept {
    std::free(p);
}

namespace ferry::test {

AllocationProbe::AllocationProbe() {
    g_largest = 0;
    g_track = true;
}
AllocationProbe::~AllocationProbe() {
    g_track = false;
}
size_t AllocationProbe::largest() const {
    return g_largest.load();
}

} // namespace ferry::test
