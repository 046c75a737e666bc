// Times compiler::analyse() on an OpenSSL libcrypto command line (the wrapper, the coordinator
// and the runner each analyse every compile's arguments) and coordinator::hidden_read() over
// the files named on stdin (every file the coordinator reads for the first time passes it).
// Prints the median of ROUNDS rounds of each.
#include "compiler/args.hpp"
#include "coordinator/file_store_hidden_reads.hpp"
#include "util/fs.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

template <typename F> double time_ms(F f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 7;
    // crypto/aes/aes_cfb.c as OpenSSL 3.0's Makefile compiles it (./Configure linux-x86_64).
    const std::vector<std::string> args = {"-Icrypto/aes",
                                           "-Iinclude",
                                           "-Iproviders/common/include",
                                           "-Iproviders/implementations/include",
                                           "-Icrypto",
                                           "-fPIC",
                                           "-pthread",
                                           "-m64",
                                           "-Wa,--noexecstack",
                                           "-Wall",
                                           "-O3",
                                           "-DOPENSSL_USE_NODELETE",
                                           "-DL_ENDIAN",
                                           "-DOPENSSL_PIC",
                                           "-DOPENSSL_BUILDING_OPENSSL",
                                           "-DNDEBUG",
                                           "-DOPENSSL_CPUID_OBJ",
                                           "-DOPENSSL_IA32_SSE2",
                                           "-DOPENSSL_BN_ASM_MONT",
                                           "-DOPENSSL_BN_ASM_MONT5",
                                           "-DOPENSSL_BN_ASM_GF2m",
                                           "-DSHA1_ASM",
                                           "-DSHA256_ASM",
                                           "-DSHA512_ASM",
                                           "-DKECCAK1600_ASM",
                                           "-DRC4_ASM",
                                           "-DMD5_ASM",
                                           "-DVPAES_ASM",
                                           "-DGHASH_ASM",
                                           "-DECP_NISTZ256_ASM",
                                           "-DX25519_ASM",
                                           "-DPOLY1305_ASM",
                                           "-DAESNI_ASM",
                                           "-MMD",
                                           "-MF",
                                           "crypto/aes/libcrypto-lib-aes_cfb.d.tmp",
                                           "-MT",
                                           "crypto/aes/libcrypto-lib-aes_cfb.o",
                                           "-c",
                                           "-o",
                                           "crypto/aes/libcrypto-lib-aes_cfb.o",
                                           "crypto/aes/aes_cfb.c"};
    constexpr int kCalls = 2000;
    std::vector<double> analyse_us;
    size_t sink = 0;
    for (int r = 0; r < rounds; ++r)
        analyse_us.push_back(time_ms([&] {
                                 for (int i = 0; i < kCalls; ++i)
                                     sink += ferry::compiler::analyse("gcc", args).source.size();
                             }) *
                             1000 / kCalls);

    std::vector<std::string> files;
    size_t bytes = 0;
    for (std::string path; std::getline(std::cin, path);)
        if (auto text = ferry::read_file(path)) {
            bytes += text->size();
            files.push_back(std::move(*text));
        }
    std::vector<double> scan_ms;
    size_t flagged = 0;
    for (int r = 0; r < rounds; ++r)
        scan_ms.push_back(time_ms([&] {
            flagged = 0;
            for (const auto& f : files)
                flagged += ferry::coordinator::hidden_read(f).has_value();
        }));
    std::printf("analyse: %.1f us per command line (%zu arguments; median of %d rounds of %d)\n",
                median(analyse_us), args.size(), rounds, kCalls);
    if (!files.empty())
        std::printf("hidden_read: %zu files, %.1f MB, %.1f ms, %.0f MB/s, %zu flagged (median of "
                    "%d rounds)\n",
                    files.size(), double(bytes) / 1e6, median(scan_ms),
                    double(bytes) / 1e3 / median(scan_ms), flagged, rounds);
    return sink == 0 ? 1 : 0;
}
