#include "util/spawn_attrs.hpp"

#include <cerrno>
#include <fcntl.h>
#include <signal.h>

namespace ferry {

SpawnAttrs::SpawnAttrs(short extra_flags) {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(
        &attr, static_cast<short>(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | extra_flags));
}

SpawnAttrs::~SpawnAttrs() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
}

Result<void> pass_fds(SpawnAttrs& spawn, const std::vector<int>& fds, std::vector<Fd>& copies) {
    const int first_free = 3 + static_cast<int>(fds.size());
    for (size_t i = 0; i < fds.size(); ++i) {
        // Above every target: placing fd 3 cannot overwrite the source of fd 4.
        Fd copy(::fcntl(fds[i], F_DUPFD_CLOEXEC, first_free));
        if (!copy) return errno_error("pass an fd to a child", errno);
        posix_spawn_file_actions_adddup2(&spawn.actions, copy.get(), 3 + static_cast<int>(i));
        copies.push_back(std::move(copy));
    }
    posix_spawn_file_actions_addclosefrom_np(&spawn.actions, first_free);
    return ok();
}

std::vector<char*> c_strings(const std::vector<std::string>& v) {
    std::vector<char*> out;
    out.reserve(v.size() + 1);
    for (auto& s : v)
        out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

} // namespace ferry
