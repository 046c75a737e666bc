// Times several commands side by side: each round runs every command once (fork, execv,
// waitpid; no shell), starting with a different one each round, so machine noise hits all of
// them alike. Prints, per command, the median and the 10th/90th percentiles of the wall time
// in microseconds. A command that exits non-zero stops the run (its stderr is shown).
//
// Usage: interleave ROUNDS WARMUP SPEC_FILE
// SPEC_FILE: one command a line, "NAME<TAB>PROGRAM ARG..." (words split on spaces).
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { kMaxCommands = 64, kMaxWords = 128 };

struct Command {
    char name[64];
    char* argv[kMaxWords];
    long* micros;
};

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int run(struct Command* c) {
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execv(c->argv[0], c->argv);
        perror(c->argv[0]);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int by_value(const void* a, const void* b) {
    long x = *(const long*)a, y = *(const long*)b;
    return (x > y) - (x < y);
}

int main(int argc, char** argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: interleave ROUNDS WARMUP SPEC_FILE\n");
        return 2;
    }
    int rounds = atoi(argv[1]), warmup = atoi(argv[2]);
    FILE* spec = fopen(argv[3], "r");
    if (!spec || rounds < 1) return 2;
    static struct Command cmds[kMaxCommands];
    int n = 0;
    char* line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, spec) > 0 && n < kMaxCommands) {
        line[strcspn(line, "\n")] = '\0';
        char* tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = '\0';
        snprintf(cmds[n].name, sizeof cmds[n].name, "%s", line);
        int w = 0;
        for (char* word = strtok(tab + 1, " "); word && w < kMaxWords - 1; word = strtok(NULL, " "))
            cmds[n].argv[w++] = strdup(word);
        cmds[n].argv[w] = NULL;
        cmds[n].micros = calloc((size_t)rounds, sizeof(long));
        ++n;
    }
    for (int r = -warmup; r < rounds; ++r) {
        for (int k = 0; k < n; ++k) {
            struct Command* c = &cmds[((r + warmup) + k) % n];
            long t0 = now_ns();
            int rc = run(c);
            long t1 = now_ns();
            if (rc != 0) {
                fprintf(stderr, "interleave: %s exited %d\n", c->name, rc);
                return 1;
            }
            if (r >= 0) c->micros[r] = (t1 - t0) / 1000;
        }
    }
    printf("%-28s %10s %10s %10s\n", "command", "median_us", "p10_us", "p90_us");
    for (int k = 0; k < n; ++k) {
        qsort(cmds[k].micros, (size_t)rounds, sizeof(long), by_value);
        long med = rounds % 2 ? cmds[k].micros[rounds / 2]
                              : (cmds[k].micros[rounds / 2 - 1] + cmds[k].micros[rounds / 2]) / 2;
        printf("%-28s %10ld %10ld %10ld\n", cmds[k].name, med, cmds[k].micros[rounds / 10],
               cmds[k].micros[rounds * 9 / 10]);
    }
    return 0;
}
