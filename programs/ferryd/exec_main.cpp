// ferryd-exec: the trampoline ferryd starts every compiler through (exec_limits.hpp). Kept
// apart from ferryd so that starting it loads nothing but libc.
#include "remote/runner/exec_limits.hpp"

int main(int argc, char** argv) {
    ferry::runner::exec_with_limits(argc, argv);
}
