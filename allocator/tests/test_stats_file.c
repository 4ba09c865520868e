/* Counters at exit. A program whose threads allocate and exit before main ends must, with
 * HAKMEM_STATS_FILE=path, write one "name value" line for every counter of HAK_COUNTER_LIST,
 * the exited threads' counts included (malloc_calls and free_calls at least what they did);
 * with HAKMEM_STATS=1 it prints every counter to stderr.
 * The test runs itself as that program (argument "--child"): linked with libhakmem.a, or,
 * built with -DT_PRELOAD_LIB, glibc-linked under LD_PRELOAD of the library (the way the
 * harness collects counters). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "t_alloc.h"

#define CHILD_THREADS 4
#define MALLOCS_PER_THREAD 20000

static void *child_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < MALLOCS_PER_THREAD; i++) {
        volatile char *p = malloc(16 + (size_t)i % 2000);
        if (p == NULL) return (void *)1;
        p[0] = 1;
        free((void *)p);
    }
    return NULL;
}

/* The program under test: its threads are all gone before main returns. */
static int child_main(void)
{
    pthread_t t[CHILD_THREADS];
    for (int i = 0; i < CHILD_THREADS; i++)
        if (pthread_create(&t[i], NULL, child_thread, NULL) != 0) return 2;
    int rc = 0;
    for (int i = 0; i < CHILD_THREADS; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        rc |= ret != NULL;
    }
    return rc;
}

/* Runs this program as the child program with NAME=VALUE in its environment and its stderr
 * sent to err_path (inherited when NULL). Returns its exit status, 128 + signal if killed. */
static int run_child(const char *name, const char *value, const char *err_path)
{
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        setenv(name, value, 1);
        if (err_path != NULL) {
            int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd < 0) _exit(126);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        execl("/proc/self/exe", "test_stats_file", "--child", (char *)NULL);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void temp_path(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
}

struct stat_line {
    const char *name;
    int seen;
    uint64_t value;
};

#define STAT_ENTRY(n) {#n, 0, 0},
#define STAT_NAME(n) #n,

static void stats_file_has_every_counter_and_counts_exited_threads(void **state)
{
    (void)state;
    char path[] = "/tmp/hakmem-stats-XXXXXX";
    temp_path(path);
    assert_int_equal(run_child("HAKMEM_STATS_FILE", path, NULL), 0);

    struct stat_line want[] = {HAK_COUNTER_LIST(STAT_ENTRY)};
    size_t nwant = sizeof want / sizeof want[0];
    FILE *f = fopen(path, "r");
    if (f == NULL) fail_msg("HAKMEM_STATS_FILE=%s was not written (%s)", path, strerror(errno));
    char line[256];
    while (fgets(line, sizeof line, f) != NULL) {
        char name[128];
        uint64_t value;
        if (sscanf(line, "%127s %" SCNu64, name, &value) != 2) {
            fclose(f);
            unlink(path);
            fail_msg("malformed line in the stats file: %s", line);
        }
        for (size_t i = 0; i < nwant; i++)
            if (strcmp(name, want[i].name) == 0) {
                want[i].seen++;
                want[i].value = value;
            }
    }
    fclose(f);
    unlink(path);
    for (size_t i = 0; i < nwant; i++)
        if (want[i].seen != 1)
            fail_msg("counter %s appears %d times in the stats file, want once", want[i].name,
                     want[i].seen);
    uint64_t done = (uint64_t)CHILD_THREADS * MALLOCS_PER_THREAD;
    for (size_t i = 0; i < nwant; i++) {
        if ((strcmp(want[i].name, "malloc_calls") == 0 ||
             strcmp(want[i].name, "free_calls") == 0) &&
            want[i].value < done)
            fail_msg("%s = %" PRIu64 ", but the exited threads alone made %" PRIu64
                     ": their counters were lost",
                     want[i].name, want[i].value, done);
    }
}

static void stats_env_prints_every_counter_to_stderr(void **state)
{
    (void)state;
    char path[] = "/tmp/hakmem-stderr-XXXXXX";
    temp_path(path);
    assert_int_equal(run_child("HAKMEM_STATS", "1", path), 0);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    static const char *const names[] = {HAK_COUNTER_LIST(STAT_NAME)};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strstr(text, names[i]) == NULL)
            fail_msg("HAKMEM_STATS=1: counter %s missing from stderr:\n%s", names[i], text);
}

int main(int argc, char **argv)
{
    t_preload_self(argv);
    if (argc > 1 && strcmp(argv[1], "--child") == 0) return child_main();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stats_file_has_every_counter_and_counts_exited_threads),
        cmocka_unit_test(stats_env_prints_every_counter_to_stderr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
