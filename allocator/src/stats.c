/* stats.c: counter totals and the dumps (see stats.h).
 *
 * The seed's statistics never appeared for three reasons, each handled here: no shutdown hook
 * (a destructor dumps at exit), thread-local counters lost at thread exit (a thread's counters
 * are merged into the global ones when it exits, and the dump adds the live threads'),
 * and early crashes (fatal signals dump before the default action runs). */
#include "stats.h"
#include "os.h"
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static _Atomic uint64_t gstats[HAK_NCOUNTERS];

void hak_gstat_add(int counter, uint64_t n)
{
    atomic_fetch_add_explicit(&gstats[counter], n, memory_order_relaxed);
}

static const char *const counter_names[HAK_NCOUNTERS] = {
#define HAK_COUNTER_NAME(name) #name,
    HAK_COUNTER_LIST(HAK_COUNTER_NAME)
#undef HAK_COUNTER_NAME
};

/* Counters kept even with HAKMEM_COUNTERS=0: they live on slow paths only. */
static bool counter_is_global(int i)
{
    switch (i) {
    case HAK_C_heaps_created:
    case HAK_C_heaps_reused:
    case HAK_C_heap_drains:
    case HAK_C_slabs_created:
    case HAK_C_slabs_returned:
    case HAK_C_superslabs_mapped:
    case HAK_C_superslabs_returned:
    case HAK_C_span_regions_mapped:
    case HAK_C_span_regions_returned:
    case HAK_C_mmap_calls:
    case HAK_C_munmap_calls:
    case HAK_C_madvise_calls:
    case HAK_C_bytes_mapped:
    case HAK_C_peak_bytes_mapped:
    case HAK_C_failed_allocs:
    case HAK_C_foreign_frees:
        return true;
    default:
        return false;
    }
}

static bool counter_is_fast_path(int i)
{
    switch (i) {
    case HAK_C_fast_path_hits:
    case HAK_C_fast_path_misses:
    case HAK_C_fast_path_frees:
    case HAK_C_refills:
    case HAK_C_refill_blocks:
    case HAK_C_flushes:
        return true;
    default:
        return false;
    }
}

/* Live threads' counters, linked through a node in each thread's TLS. */
typedef struct stats_thread {
    struct stats_thread *next, *prev;
    const hak_counters *counters;
} stats_thread;
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static stats_thread *threads;
static __thread stats_thread tls_thread;
static __thread bool tls_registered;

void hak_stats_thread_attach(void)
{
    if (tls_registered) return;
    pthread_mutex_lock(&threads_lock);
    tls_thread.counters = &hak_tls_counters;
    tls_thread.prev = NULL;
    tls_thread.next = threads;
    if (threads) threads->prev = &tls_thread;
    threads = &tls_thread;
    tls_registered = true;
    pthread_mutex_unlock(&threads_lock);
}

void hak_stats_thread_exit(void)
{
    if (!tls_registered) return;
    pthread_mutex_lock(&threads_lock);
    if (tls_thread.prev)
        tls_thread.prev->next = tls_thread.next;
    else
        threads = tls_thread.next;
    if (tls_thread.next) tls_thread.next->prev = tls_thread.prev;
    tls_registered = false;
    for (int i = 0; i < HAK_NCOUNTERS; i++) {
        uint64_t v = atomic_load_explicit(&hak_tls_counters.v[i], memory_order_relaxed);
        if (v) hak_gstat_add(i, v);
        atomic_store_explicit(&hak_tls_counters.v[i], 0, memory_order_relaxed);
    }
    pthread_mutex_unlock(&threads_lock);
}

void hak_stats_fork_prepare(void)
{
    pthread_mutex_lock(&threads_lock);
}

void hak_stats_fork_release(void)
{
    pthread_mutex_unlock(&threads_lock);
}

/* Not blocking (signal handlers): live threads are skipped when the registry lock is taken. */
static void stats_sum(uint64_t *out, bool blocking)
{
    for (int i = 0; i < HAK_NCOUNTERS; i++)
        out[i] = atomic_load_explicit(&gstats[i], memory_order_relaxed);
    if (blocking ? pthread_mutex_lock(&threads_lock) == 0
                 : pthread_mutex_trylock(&threads_lock) == 0) {
        for (const stats_thread *t = threads; t; t = t->next)
            for (int i = 0; i < HAK_NCOUNTERS; i++)
                out[i] += atomic_load_explicit(&t->counters->v[i], memory_order_relaxed);
        pthread_mutex_unlock(&threads_lock);
    }
    /* The OS layer keeps its own counters (it calls nothing above it). */
    hak_os_stats os;
    hak_os_stats_get(&os);
    out[HAK_C_mmap_calls] = os.mmap_calls;
    out[HAK_C_munmap_calls] = os.munmap_calls;
    out[HAK_C_madvise_calls] = os.madvise_calls;
    out[HAK_C_bytes_mapped] = os.bytes_mapped;
    out[HAK_C_peak_bytes_mapped] = os.peak_bytes_mapped;
    /* The inline front counts only its own events (one increment per call). */
    out[HAK_C_malloc_calls] += out[HAK_C_fast_path_hits] + out[HAK_C_fast_path_misses];
    out[HAK_C_free_calls] += out[HAK_C_fast_path_frees];
}

HAK_EXPORT void hak_stats_get(hak_stats *out)
{
    uint64_t v[HAK_NCOUNTERS];
    stats_sum(v, true);
#define HAK_COUNTER_COPY(name) out->name = v[HAK_C_##name];
    HAK_COUNTER_LIST(HAK_COUNTER_COPY)
#undef HAK_COUNTER_COPY
}

static void stats_write_values(int fd, const uint64_t *v, int fast_path_only)
{
    char line[96];
    for (int i = 0; i < HAK_NCOUNTERS; i++) {
        if (!HAKMEM_COUNTERS && !counter_is_global(i)) continue;
        if (fast_path_only && !counter_is_fast_path(i)) continue;
        size_t n = strlen(counter_names[i]);
        memcpy(line, counter_names[i], n);
        line[n++] = ' ';
        n += hak_fmt_u64(line + n, v[i]);
        line[n++] = '\n';
        if (write(fd, line, n) < 0) return;
    }
}

static void stats_write(int fd, int fast_path_only, bool blocking)
{
    uint64_t v[HAK_NCOUNTERS];
    stats_sum(v, blocking);
    stats_write_values(fd, v, fast_path_only);
}

HAK_EXPORT void hak_stats_write(int fd, int fast_path_only)
{
    stats_write(fd, fast_path_only, true);
}

/* Settings read once at init (getenv does not allocate in glibc). */
static int dump_stderr;    /* HAKMEM_STATS=1 */
static int dump_fast_only; /* HAKMEM_TINY_FAST_STATS=1 */
static const char *dump_path;

static bool env_on(const char *name)
{
    const char *v = getenv(name);
    return v && v[0] && !(v[0] == '0' && v[1] == '\0');
}

/* blocking is false in a signal handler: the crash may have happened under a lock. */
static void stats_dump(bool blocking)
{
    if (dump_path) {
        int fd = open(dump_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) {
            stats_write(fd, dump_fast_only && !dump_stderr, blocking);
            close(fd);
        }
    } else if (dump_stderr || dump_fast_only) {
        hak_write_str(2, "[hakmem] counters\n");
        stats_write(2, !dump_stderr, blocking);
    }
}

__attribute__((destructor)) static void stats_at_exit(void)
{
    stats_dump(true);
}

static void stats_on_fatal_signal(int sig)
{
    stats_dump(false);
    signal(sig, SIG_DFL);
    raise(sig);
}

void hak_stats_init(void)
{
    dump_stderr = env_on("HAKMEM_STATS");
    dump_fast_only = env_on("HAKMEM_TINY_FAST_STATS");
    const char *path = getenv("HAKMEM_STATS_FILE");
    dump_path = path && path[0] ? path : NULL;
    if (!dump_stderr && !dump_fast_only && !dump_path) return;
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stats_on_fatal_signal;
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        struct sigaction old;
        /* Never replace a handler the program installed before us. */
        if (sigaction(fatal[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
            sigaction(fatal[i], &sa, NULL);
    }
}
