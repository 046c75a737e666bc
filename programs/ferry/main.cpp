// The `ferry` program: compiler wrapper, build integrations and coordinator in one binary.
#include "programs/ferry/cli.hpp"

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    try {
        std::vector<std::string> args(argv, argv + argc);
        return ferry::client::run_cli(args);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ferry: fatal: %s\n", e.what());
        return 70;
    }
}
