/* A stand-in workload for the executor tests: behaves as asked (prints a RESULT line, crashes,
 * leaks, hangs, reports corruption, prints garbage) so every outcome can be provoked without
 * depending on the allocator. Usage: fake_workload MODE [ARG] */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Touches n MiB, one at a time, pausing pause_ms after each. */
static void grow(long mib, long pause_ms)
{
    for (long i = 0; i < mib; i++) {
        char *p = malloc(1 << 20);
        if (!p) exit(4);
        memset(p, (int)i, 1 << 20);
        if (pause_ms) sleep_ms(pause_ms);
    }
}

static void result(const char *extra)
{
    printf("RESULT workload=fake ops=100 seconds=0.01 ops_per_sec=10000 mode=x%s\n", extra);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "ok";
    const char *arg = argc > 2 ? argv[2] : "";
    if (strcmp(mode, "ok") == 0) {
        result(" extra=5");
    } else if (strcmp(mode, "noisy") == 0) {
        /* ops/s anywhere in 5000..15000: no comparison of a few runs can decide */
        srand((unsigned)getpid() ^ (unsigned)time(NULL));
        printf("RESULT workload=fake ops=100 seconds=0.01 ops_per_sec=%d\n", 5000 + rand() % 10001);
    } else if (strcmp(mode, "crash") == 0) {
        raise(SIGSEGV);
    } else if (strcmp(mode, "leak") == 0) {
        grow(1L << 20, 0);
    } else if (strcmp(mode, "fork-leak") == 0) {
        if (fork() == 0) grow(1L << 20, 0);
        pause();
    } else if (strcmp(mode, "grow") == 0) {
        grow(atol(arg), 20);
        result("");
    } else if (strcmp(mode, "sleep") == 0) {
        sleep_ms(atol(arg));
        result("");
    } else if (strcmp(mode, "hang") == 0) {
        for (;;)
            pause();
    } else if (strcmp(mode, "ignore-term") == 0) {
        signal(SIGTERM, SIG_IGN);
        for (;;)
            pause();
    } else if (strcmp(mode, "corrupt") == 0) {
        fprintf(stderr, "fake: block 0x1234 corrupted\n");
        return 3;
    } else if (strcmp(mode, "noresult") == 0) {
        puts("nothing to see");
    } else if (strcmp(mode, "badresult") == 0) {
        puts("RESULT workload=fake ops=many seconds=1 ops_per_sec=2");
    } else if (strcmp(mode, "tworesults") == 0) {
        result("");
        result("");
    } else if (strcmp(mode, "exit") == 0) {
        return atoi(arg);
    } else if (strcmp(mode, "flood") == 0) {
        for (int i = 0; i < 20000; i++)
            fprintf(stderr, "noise line %d\n", i);
        fputs("LAST LINE\n", stderr);
        result("");
    } else if (strcmp(mode, "flood-utf8") == 0) {
        /* 20-byte lines of three-byte characters: a tail of 2047 bytes starts inside one. */
        for (int i = 0; i < 20000; i++)
            fputs("x\u20ac\u20ac\u20ac\u20ac\u20ac\u20ac\n", stderr);
        fputs("LAST LINE\n", stderr);
        result("");
    } else if (strcmp(mode, "env") == 0) {
        const char *v = getenv(arg);
        return v && strcmp(v, "yes") == 0 ? (result(""), 0) : 9;
    } else if (strcmp(mode, "cpu") == 0) {
        char extra[32];
        snprintf(extra, sizeof extra, " cpu=%d", sched_getcpu());
        result(extra);
    } else {
        fprintf(stderr, "fake_workload: unknown mode '%s'\n", mode);
        return 2;
    }
    return 0;
}
