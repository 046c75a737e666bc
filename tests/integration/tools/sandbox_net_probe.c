/* sandbox_net_probe: a "compiler" a hostile client ships to a sandboxed runner, to find out
 * what of the network a job can reach (test_sandbox_network.sh). Built static by the suite,
 * so it needs nothing in the job's mirror but itself.
 *
 * As a job: `sandbox_net_probe -c FILE.c -o FILE.o`. FILE.c holds one command; the result
 * line is written to FILE.o (which comes back to the client) and to stdout:
 *   tcp ADDR PORT     connect(2) to ADDR:PORT            -> "tcp: ok" or "tcp: <error>"
 *   loup              set the loopback device up (ioctl) -> "loup: ok" or "loup: <error>"
 *   dial NAME         connect to the abstract unix socket NAME
 *   dialhold NAME MS  dial, then stay MS ms (to be seen running beside another job)
 *   fds               the fds above 2 the job was started with ("fds: none" or a list)
 *   selfdial NAME     listen on NAME, then connect to it (abstract sockets work in the job)
 *   listen NAME MS    listen on NAME for MS ms; a child in a session of its own holds it
 *                     for a minute more, as a job trying to outlive itself would
 * On this machine: `sandbox_net_probe --host COMMAND ARGS...` runs one command directly
 * (listen without the child). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static char result[512];
static char inherited[256]; /* fds above 2 open at start, before this program opens any */
static int on_host; /* --host: no child left behind */

static void say(const char* what, int rc) {
    snprintf(result, sizeof result, "%s: %s\n", what, rc == 0 ? "ok" : strerror(errno));
}

static socklen_t abstract_address(struct sockaddr_un* sun, const char* name) {
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    size_t n = strlen(name);
    if (n > sizeof sun->sun_path - 2) n = sizeof sun->sun_path - 2;
    memcpy(sun->sun_path + 1, name, n); /* sun_path[0] == 0: the abstract namespace */
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int listen_on(const char* name) {
    struct sockaddr_un sun;
    socklen_t len = abstract_address(&sun, name);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (bind(fd, (struct sockaddr*)&sun, len) != 0 || listen(fd, 8) != 0) return -1;
    return fd;
}

static int dial(const char* name) {
    struct sockaddr_un sun;
    socklen_t len = abstract_address(&sun, name);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    return connect(fd, (struct sockaddr*)&sun, len);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void run(int argc, char** argv) {
    const char* cmd = argc > 0 ? argv[0] : "";
    if (strcmp(cmd, "tcp") == 0 && argc == 3) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons((unsigned short)atoi(argv[2]));
        inet_pton(AF_INET, argv[1], &sin.sin_addr);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        say("tcp", fd < 0 ? -1 : connect(fd, (struct sockaddr*)&sin, sizeof sin));
    } else if (strcmp(cmd, "loup") == 0) {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        strcpy(ifr.ifr_name, "lo");
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        int rc = fd < 0 ? -1 : ioctl(fd, SIOCGIFFLAGS, &ifr);
        if (rc == 0) {
            ifr.ifr_flags |= IFF_UP;
            rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
        }
        say("loup", rc);
    } else if (strcmp(cmd, "dial") == 0 && argc == 2) {
        say("dial", dial(argv[1]));
    } else if (strcmp(cmd, "dialhold") == 0 && argc == 3) {
        say("dial", dial(argv[1]));
        sleep_ms(atol(argv[2]));
    } else if (strcmp(cmd, "fds") == 0) {
        snprintf(result, sizeof result, "fds: %s\n", inherited[0] ? inherited + 1 : "none");
    } else if (strcmp(cmd, "selfdial") == 0 && argc == 2) {
        int fd = listen_on(argv[1]);
        say("selfdial", fd < 0 ? -1 : dial(argv[1]));
    } else if (strcmp(cmd, "listen") == 0 && argc == 3) {
        int fd = listen_on(argv[1]);
        say("listen", fd < 0 ? -1 : 0);
        if (fd >= 0 && !on_host && fork() == 0) {
            setsid();
            sleep_ms(60000);
            _exit(0);
        }
        sleep_ms(atol(argv[2]));
    } else {
        snprintf(result, sizeof result, "unknown command '%s'\n", cmd);
    }
}

int main(int argc, char** argv) {
    for (int fd = 3; fd < 64; ++fd)
        if (fcntl(fd, F_GETFD) >= 0)
            snprintf(inherited + strlen(inherited), sizeof inherited - strlen(inherited), " %d", fd);
    if (argc > 1 && strcmp(argv[1], "--host") == 0) {
        on_host = 1;
        run(argc - 2, argv + 2);
        fputs(result, stdout);
        return 0;
    }
    const char *source = NULL, *output = NULL;
    for (int i = 1; i < argc; ++i) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            output = argv[++i];
        else if (strcmp(argv[i], "-c") != 0 && argv[i][0] != '-')
            source = argv[i];
    }
    char line[512] = "";
    FILE* in = source ? fopen(source, "r") : NULL;
    if (!in || !fgets(line, sizeof line, in)) {
        fprintf(stderr, "sandbox_net_probe: cannot read the command from %s\n",
                source ? source : "(no source)");
        return 2;
    }
    char* words[8];
    int n = 0;
    for (char* w = strtok(line, " \t\n"); w && n < 8; w = strtok(NULL, " \t\n"))
        words[n++] = w;
    run(n, words);
    fputs(result, stdout);
    FILE* out = output ? fopen(output, "w") : NULL;
    if (!out) return 3;
    fputs(result, out);
    return fclose(out) == 0 ? 0 : 3;
}
