// ferryd: the runner service (being written).
#include <cstdio>

int main() {
    std::fputs("ferryd: not implemented yet\n", stderr);
    return 2;
}
