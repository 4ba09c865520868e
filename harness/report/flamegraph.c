/* The differential flame graph (see flamegraph.h). */
#include "report/flamegraph.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/xml.h"

#define WIDTH 1200.0
#define MARGIN 10.0
#define ROW 16.0
#define TOP 50.0
/* Boxes narrower than this many pixels are left out, with everything above them. */
#define MIN_BOX 0.3
/* Characters of 12px monospace text per pixel. */
#define CHAR_W 7.2

typedef struct {
    FILE *f;
    const profile_diff *d;
    double scale;     /* pixels per unit of cost */
    double max_delta; /* the largest |b - a| of any box, for the colour scale */
    double height;
} canvas;

static int max_depth(const profile_diff *d)
{
    int m = 0;
    for (int i = 0; i < d->nnodes; i++)
        if (d->nodes[i].depth > m) m = d->nodes[i].depth;
    return m;
}

/* White for no change, towards red for growth and blue for shrinking. */
static void colour(const canvas *c, double delta, char *out, size_t len)
{
    double k = c->max_delta > 0 ? fabs(delta) / c->max_delta : 0;
    int fade = (int)lround(255 - 200 * k);
    if (delta > 0)
        snprintf(out, len, "rgb(255,%d,%d)", fade, fade);
    else if (delta < 0)
        snprintf(out, len, "rgb(%d,%d,255)", fade, fade);
    else
        snprintf(out, len, "rgb(250,250,250)");
}

static void draw(canvas *c, int node, double x)
{
    const profile_diff *d = c->d;
    for (; node >= 0; node = d->nodes[node].next_sibling) {
        const profile_node *n = &d->nodes[node];
        double w = n->b * c->scale;
        if (w >= MIN_BOX) {
            double y = c->height - MARGIN - (n->depth + 1) * ROW;
            char fill[32], name[256];
            colour(c, n->b - n->a, fill, sizeof fill);
            int kind = profile_frame_display(n->name, name, sizeof name);
            const char *tag = kind == 'i' ? " (inline)" : kind == 'k' ? " (kernel)" : "";
            fprintf(c->f, "<g><title>");
            xml_text(c->f, name);
            if (d->per_op)
                fprintf(c->f, "%s: A %.1f, B %.1f per operation (%+.1f)</title>", tag, n->a, n->b,
                        n->b - n->a);
            else
                fprintf(c->f, "%s: A %.2f%%, B %.2f%% of samples (%+.2f points)</title>", tag,
                        100 * n->a, 100 * n->b, 100 * (n->b - n->a));
            fprintf(c->f,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                    "stroke=\"#ccc\" stroke-width=\"0.5\"/>",
                    x, y, w, ROW - 1, fill);
            int fits = (int)((w - 4) / CHAR_W);
            if (fits >= 3) {
                fprintf(c->f, "<text x=\"%.1f\" y=\"%.1f\">", x + 2, y + ROW - 4);
                size_t len = strlen(name);
                if ((int)len > fits) {
                    name[fits - 2] = '\0';
                    xml_text(c->f, name);
                    fputs("..", c->f);
                } else {
                    xml_text(c->f, name);
                }
                fputs("</text>", c->f);
            }
            fputs("</g>\n", c->f);
            draw(c, n->first_child, x);
        }
        x += w;
    }
}

int flamegraph_write_svg(const char *path, const char *title, const profile_diff *d)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    /* costs are shares of each side's samples (or per operation): b - a compares them */
    canvas c = {.f = f, .d = d};
    c.scale = d->total_b > 0 ? (WIDTH - 2 * MARGIN) / d->total_b : 0;
    for (int i = 0; i < d->nnodes; i++) {
        const profile_node *n = &d->nodes[i];
        if (fabs(n->b - n->a) > c.max_delta) c.max_delta = fabs(n->b - n->a);
    }
    c.height = TOP + (max_depth(d) + 1) * ROW + 2 * MARGIN;
    fprintf(f,
            "<?xml version=\"1.0\" standalone=\"no\"?>\n"
            "<svg version=\"1.1\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "xmlns=\"http://www.w3.org/2000/svg\">\n"
            "<style>text { font-family: monospace; font-size: 12px; fill: #000; }</style>\n"
            "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n"
            "<text x=\"%.0f\" y=\"20\" style=\"font-size:15px\">",
            WIDTH, c.height, WIDTH, c.height, MARGIN);
    xml_text(f, title);
    fprintf(f,
            "</text>\n<text x=\"%.0f\" y=\"38\">Width: B's %s. Red: more than in A, blue: "
            "less (deepest colour: %.1f%s). Hover for figures.</text>\n",
            MARGIN, d->per_op ? "instructions" : "samples",
            d->per_op ? c.max_delta : 100 * c.max_delta, d->per_op ? " per operation" : " points");
    draw(&c, d->first_root, MARGIN);
    fputs("</svg>\n", f);
    return fclose(f) == 0 ? 0 : -1;
}
