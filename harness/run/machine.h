/* The machine fingerprint stored with every session: what can change a benchmark's numbers
 * (CPU model, cores, kernel, governor, transparent huge pages, glibc, compiler). The hostname
 * is recorded but left out of the fingerprint hash, so a renamed host keeps its history and two
 * identical hosts compare. Reads /proc, /sys, uname and `gcc --version`; no database access. */
#ifndef HAKBENCH_MACHINE_H
#define HAKBENCH_MACHINE_H

typedef struct {
    char cpu_model[128];
    int cores;
    char kernel[128];
    char governor[32];
    char thp[32];
    char glibc[32];
    char compiler[128];
    char hostname[128];
    char fingerprint[65]; /* sha256 of the fields above except hostname */
} machine_info;

void machine_probe(machine_info *m);

#endif
