#include "run/machine.h"

#include <gnu/libc-version.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/sha256.h"
#include "util/subprocess.h"

static void read_first_line(const char *path, char *out, size_t len, const char *fallback)
{
    FILE *f = fopen(path, "r");
    if (!f || !fgets(out, (int)len, f)) snprintf(out, len, "%s", fallback);
    if (f) fclose(f);
    out[strcspn(out, "\n")] = '\0';
}

static void cpu_model(char *out, size_t len)
{
    snprintf(out, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0) continue;
        char *v = strchr(line, ':');
        if (!v) continue;
        v += 1 + strspn(v + 1, " \t");
        v[strcspn(v, "\n")] = '\0';
        snprintf(out, len, "%s", v);
        break;
    }
    fclose(f);
}

/* "always [madvise] never" -> "madvise" */
static void thp_setting(char *out, size_t len)
{
    char line[128];
    read_first_line("/sys/kernel/mm/transparent_hugepage/enabled", line, sizeof line, "unknown");
    char *open = strchr(line, '['), *close = open ? strchr(open, ']') : NULL;
    if (open && close) {
        *close = '\0';
        snprintf(out, len, "%s", open + 1);
    } else {
        snprintf(out, len, "%.*s", (int)len - 1, line);
    }
}

void machine_probe(machine_info *m)
{
    memset(m, 0, sizeof *m);
    cpu_model(m->cpu_model, sizeof m->cpu_model);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    m->cores = n > 0 ? (int)n : 1;
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(m->kernel, sizeof m->kernel, "%s", u.release);
        snprintf(m->hostname, sizeof m->hostname, "%s", u.nodename);
    } else {
        snprintf(m->kernel, sizeof m->kernel, "unknown");
        snprintf(m->hostname, sizeof m->hostname, "unknown");
    }
    read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", m->governor,
                    sizeof m->governor, "unknown");
    thp_setting(m->thp, sizeof m->thp);
    snprintf(m->glibc, sizeof m->glibc, "%s", gnu_get_libc_version());
    /* The compiler that builds the allocator and the workloads (the Makefile's CC). */
    char *argv[] = {"gcc", "--version", NULL};
    if (subprocess_line(argv, NULL, m->compiler, sizeof m->compiler) != 0 || !m->compiler[0])
        snprintf(m->compiler, sizeof m->compiler, "unknown");

    char text[1024];
    snprintf(text, sizeof text, "%s\n%d\n%s\n%s\n%s\n%s\n%s", m->cpu_model, m->cores, m->kernel,
             m->governor, m->thp, m->glibc, m->compiler);
    sha256_hex(text, strlen(text), m->fingerprint);
}

int64_t machine_id(store *s)
{
    machine_info m;
    machine_probe(&m);
    return store_machine_id(s, &m);
}
