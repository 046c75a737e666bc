// ferryd-exec: the trampoline ferryd starts every compiler through (exec_limits.hpp). Kept
// apart from ferryd so that starting it loads nothing but libc, linked in statically where
// the toolchain can (programs/ferryd/CMakeLists.txt): no loader at all per job.
#include "remote/runner/exec_limits.hpp"
#include "remote/runner/net_namespace_maker.hpp"

#include <cstring>

int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], ferry::runner::kMakeNetFlag) == 0)
        ferry::runner::make_and_send_net_namespace(3);
    ferry::runner::exec_with_limits(argc, argv);
}
