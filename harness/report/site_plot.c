/* Sparklines and history charts as SVG (see site_plot.h). */
#include "report/site_plot.h"

#include <math.h>

#include "report/markdown.h"
#include "util/xml.h"

#define SPARK_W 120.0
#define SPARK_H 24.0

static void range_of(const double *y, int n, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < n; i++)
        if (isfinite(y[i])) {
            *lo = fmin(*lo, y[i]);
            *hi = fmax(*hi, y[i]);
        }
}

void site_sparkline(FILE *f, const double *y, int n)
{
    double lo, hi;
    range_of(y, n, &lo, &hi);
    fprintf(f, "<svg class=\"spark\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">",
            SPARK_W, SPARK_H, SPARK_W, SPARK_H);
    if (isfinite(lo)) {
        double span = hi > lo ? hi - lo : 1;
        fprintf(f, "<polyline fill=\"none\" stroke=\"#0645ad\" stroke-width=\"1.5\" points=\"");
        double lx = 0, ly = 0;
        for (int i = 0; i < n; i++) {
            if (!isfinite(y[i])) continue;
            lx = n > 1 ? 2 + i * (SPARK_W - 4) / (n - 1) : SPARK_W / 2;
            ly = SPARK_H - 2 - (y[i] - lo) / span * (SPARK_H - 4);
            fprintf(f, "%.1f,%.1f ", lx, ly);
        }
        fprintf(f, "\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#0645ad\"/>", lx, ly);
    }
    fputs("</svg>", f);
}

#define W 860.0
#define H 300.0
#define LEFT 70.0
#define RIGHT 20.0
#define TOP 30.0
#define BOTTOM 50.0

typedef struct {
    double lo, hi;
    int n;
} scale;

static double sx(const scale *s, double i)
{
    return s->n > 1 ? LEFT + i * (W - LEFT - RIGHT) / (s->n - 1) : (LEFT + W - RIGHT) / 2;
}

static double sy(const scale *s, double v)
{
    return H - BOTTOM - (v - s->lo) / (s->hi - s->lo) * (H - TOP - BOTTOM);
}

void site_history_chart(FILE *f, const site_series *s)
{
    double lo, hi, rlo, rhi;
    range_of(s->median, s->n, &lo, &hi);
    range_of(s->run_value, s->nruns, &rlo, &rhi);
    lo = fmin(lo, rlo);
    hi = fmax(hi, rhi);
    if (!isfinite(lo)) {
        fprintf(f, "<p>No ok runs.</p>\n");
        return;
    }
    double pad = hi > lo ? 0.05 * (hi - lo) : 0.05 * fabs(hi) + 1;
    scale sc = {lo - pad, hi + pad, s->n};
    fprintf(f,
            "<svg class=\"history\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "role=\"img\"><title>",
            W, H, W, H);
    xml_text(f, s->title);
    fprintf(f, "</title>\n<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>\n",
            W, H);
    for (int t = 0; t <= 4; t++) {
        double v = sc.lo + t * (sc.hi - sc.lo) / 4;
        char label[32];
        md_si(label, sizeof label, v);
        fprintf(f,
                "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>"
                "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
                LEFT, W - RIGHT, sy(&sc, v), sy(&sc, v), LEFT - 6, sy(&sc, v) + 4, label);
    }
    int every = s->n > 12 ? (s->n + 11) / 12 : 1;
    for (int i = 0; i < s->n; i += every)
        fprintf(f,
                "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\">%.5s</text>\n",
                sx(&sc, i), H - BOTTOM + 16, s->date[i] + 5);
    /* change points: between the last night of a segment and the first of the next */
    for (int k = 1; k < s->nsegments; k++) {
        double x = (sx(&sc, s->segment_from[k] - 1) + sx(&sc, s->segment_from[k])) / 2;
        fprintf(f,
                "<g class=\"changepoint\"><line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" "
                "stroke=\"#b00020\" stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%.0f\" "
                "font-size=\"11\" fill=\"#b00020\">change point</text></g>\n",
                x, x, TOP, H - BOTTOM, x + 3, TOP - 8);
    }
    for (int k = 0; k < s->nsegments; k++) {
        if (!isfinite(s->segment_median[k])) continue;
        double y = sy(&sc, s->segment_median[k]);
        fprintf(f,
                "<line class=\"segment\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"#1b6e20\" stroke-width=\"2\" stroke-opacity=\"0.6\"/>\n",
                sx(&sc, s->segment_from[k]) - 4, sx(&sc, s->segment_to[k] - 1) + 4, y, y);
    }
    for (int i = 0; i < s->nruns; i++)
        fprintf(f, "<circle class=\"run\" cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#999\"/>\n",
                sx(&sc, s->run_session[i]), sy(&sc, s->run_value[i]));
    fprintf(f, "<polyline fill=\"none\" stroke=\"#0645ad\" stroke-width=\"1.5\" points=\"");
    for (int i = 0; i < s->n; i++)
        if (isfinite(s->median[i])) fprintf(f, "%.1f,%.1f ", sx(&sc, i), sy(&sc, s->median[i]));
    fprintf(f, "\"/>\n");
    for (int i = 0; i < s->n; i++) {
        if (!isfinite(s->median[i])) continue;
        char m[32];
        md_si(m, sizeof m, s->median[i]);
        fprintf(f, "<a href=\"");
        xml_text(f, s->href[i]);
        fprintf(f,
                "\"><circle class=\"median\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#0645ad\">"
                "<title>%.10s: median %s (its report)</title></circle></a>\n",
                sx(&sc, i), sy(&sc, s->median[i]), s->date[i], m);
    }
    fputs("</svg>\n", f);
}
