/* Reads vectors from stdin and prints rank_shift's answers, for the SciPy cross-check
 * (test_rank_shift_scipy.sh). One case per line:
 *   paired ALPHA N d1 .. dN
 *   unpaired ALPHA NX x1 .. xNX NY y1 .. yNY
 * Output per case: "estimate lo hi p level" with 17 significant digits. */
#include "analysis/rank_shift.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_values(double *v, size_t *n, size_t cap)
{
    if (scanf("%zu", n) != 1 || *n > cap) return -1;
    for (size_t i = 0; i < *n; i++)
        if (scanf("%lf", &v[i]) != 1) return -1;
    return 0;
}

int main(void)
{
    enum { CAP = 4096 };
    static double x[CAP], y[CAP];
    char kind[16];
    double alpha;
    while (scanf("%15s %lf", kind, &alpha) == 2) {
        size_t nx, ny;
        rank_shift r;
        int rc;
        if (strcmp(kind, "paired") == 0) {
            if (read_values(x, &nx, CAP) != 0) return 2;
            rc = rank_shift_paired(x, nx, alpha, &r);
        } else if (strcmp(kind, "unpaired") == 0) {
            if (read_values(x, &nx, CAP) != 0 || read_values(y, &ny, CAP) != 0) return 2;
            rc = rank_shift_unpaired(x, nx, y, ny, alpha, &r);
        } else {
            fprintf(stderr, "rank_shift_vectors: unknown case kind '%s'\n", kind);
            return 2;
        }
        if (rc != 0) return 1;
        printf("%.17g %.17g %.17g %.17g %.17g\n", r.estimate, r.lo, r.hi, r.p, r.level);
    }
    return 0;
}
