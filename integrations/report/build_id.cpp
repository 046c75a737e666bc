#include "integrations/report/build_id.hpp"

#include <cstdint>
#include <fmt/format.h>
#include <random>
#include <unistd.h>

namespace ferry::integrations::report {

std::string new_build_id() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0 || !*host) host[0] = '?';
    // The pid alone repeats across machines and reboots; 64 random bits do not.
    std::random_device rd;
    uint64_t r = (uint64_t(rd()) << 32) ^ rd();
    return fmt::format("{}-{}-{:016x}", host, ::getpid(), r);
}

} // namespace ferry::integrations::report
