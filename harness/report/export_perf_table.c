/* Export as the README's performance table (make perf-table puts it between the perf-table
 * markers): per workload, the median ops/s of hakmem's `default` build (an M or k suffix from
 * a thousand on) and its ratio to the median of each peer, and the ratio of the median peak
 * RSS to glibc's, over the ok measured runs of the session. A workload without ok runs of
 * default and of glibc (`system`) has no row; a peer without ok runs leaves its cell empty. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/export.h"
#include "report/report.h"

static const char *const peers[] = {"jemalloc", "mimalloc", "tcmalloc", "tbbmalloc"};
#define NPEERS (sizeof peers / sizeof *peers)

static const report_cell *cell_of(const report_data *r, int w, const char *spec)
{
    for (int v = 0; v < r->nvariants; v++)
        if (strcmp(r->variants[v].spec, spec) == 0) {
            const report_cell *c = &r->cells[w * r->nvariants + v];
            return c->n_ok > 0 ? c : NULL;
        }
    return NULL;
}

int export_write_perf_table(FILE *f, const export_source *src)
{
    report_data r;
    if (export_load_runs(src, &r) != 0) return -1;
    /* Runs per variant and workload: one figure when every one got as many. */
    int least = 0, most = 0;
    for (int i = 0; i < r.nworkloads * r.nvariants; i++) {
        int n = r.cells[i].n_measure;
        if (n > most) most = n;
        if (n > 0 && (least == 0 || n < least)) least = n;
    }
    char runs[32];
    if (least == most)
        snprintf(runs, sizeof runs, "%d", most);
    else
        snprintf(runs, sizeof runs, "%d to %d", least, most);
    const machine_info *m = &r.session.machine;
    const char *cmd = r.session.command;
    fprintf(f, "Session %lld, %s interleaved runs per variant, medians; %s, %d cores, kernel %s.\n",
            (long long)r.session.id, runs, m->cpu_model, m->cores, m->kernel);
    /* The session ran as ./hakbench from the top of the checkout. */
    fprintf(f, "Command: `%s%s`\n\n", strncmp(cmd, "hakbench ", 9) == 0 ? "./" : "", cmd);
    fputs("| workload | hakmem ops/s | vs glibc | vs jemalloc | vs mimalloc | vs tcmalloc | vs "
          "tbbmalloc | peak RSS vs glibc |\n|---|---|---|---|---|---|---|---|\n",
          f);
    /* Workloads by name (insertion sort: a few dozen at most). */
    int *order = malloc(sizeof *order * (size_t)(r.nworkloads + 1));
    for (int i = 0; order && i < r.nworkloads; i++) {
        int j = i;
        for (; j > 0 && strcmp(r.workloads[order[j - 1]], r.workloads[i]) > 0; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    for (int k = 0; order && k < r.nworkloads; k++) {
        int w = order[k];
        const report_cell *h = cell_of(&r, w, "default"), *g = cell_of(&r, w, "system");
        if (!h || !g) continue;
        /* Whole programs run about one time a second, large_reuse tens of replacements. */
        double ops = h->median;
        const char *unit = ops >= 1e6 ? "M" : ops >= 1e3 ? "k" : "";
        double scaled = ops >= 1e6 ? ops / 1e6 : ops >= 1e3 ? ops / 1e3 : ops;
        fprintf(f, "| %s | %.2f%s | %.2fx |", r.workloads[w], scaled, unit, ops / g->median);
        for (size_t p = 0; p < NPEERS; p++) {
            const report_cell *x = cell_of(&r, w, peers[p]);
            if (x)
                fprintf(f, " %.2fx |", h->median / x->median);
            else
                fputs("  |", f);
        }
        fprintf(f, " %.2fx |\n", h->rss_ok_median_kb / g->rss_ok_median_kb);
    }
    free(order);
    report_free(&r);
    return 0;
}
