/* sy_cmd_glvec.c — the C side of the timed gate-level route (GL_SIM=timed): Icarus with
 * SDF delays, synth/bench/hg_timed_tb.v.
 *
 *   hgsynth glvec  writes the stimulus of one instance for the bench: its captures read by
 *                  sy_capture and mapped by the module's gate-level view (sy_glmodel.h), the
 *                  same segments the built-in simulator and the Verilator harness use. One
 *                  line per cycle, four hex numbers:
 *                    FLAGS IN EXP CARE
 *                  FLAGS bit 0: check the outputs this cycle (from the first cycle with
 *                  rst_ni high after one with it low; always without rst_ni); bit 1: count memory
 *                  accesses (the cycle is in the window); bit 2: count transitions (in the
 *                  window and not cycle 0). IN drives in_i (unknown digits read as 0); EXP and
 *                  CARE are the expected out_o and its known bits. The window and the reset
 *                  rule are those of synth/harness/hggl_main.cpp.
 *   hgsynth gltog  reads what the bench wrote (its raw counts and the got/expected vectors of
 *                  every mismatching cycle) and writes the instance's .tog in the format of
 *                  the other simulators; mismatches are printed per port as they print them
 *                  (MISMATCH cycle C instance I (module M) output P: got G expected E).
 * Exit status: 0, 1 a mismatch (gltog), 2 bad input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_capture.h"
#include "sy_cmd.h"
#include "sy_glmodel.h"
#include "sy_io.h"
#include "sy_manifest.h"
#include "sy_util.h"

/* The model of --module, built as glgen and gatesim build it: NULL with a message. */
static sy_glmodel *model(const char *cmd, const char *rtl, const char *nldir, const char *module,
                         const char *order_s, hg_manifest **man)
{
    int order = sy_capture_order_parse(order_s);
    if (order < 0) {
        fprintf(stderr, "hgsynth %s: --capture-order %s: must be ports or inputs-first\n", cmd, order_s);
        return NULL;
    }
    char err[1024] = "";
    *man = sy_manifest_load(rtl, err, sizeof err);
    sy_glmodel *g =
        *man ? sy_glmodel_build(*man, nldir, module, (sy_capture_order)order, err, sizeof err) : NULL;
    if (!g) {
        fprintf(stderr, "hgsynth %s: %s\n", cmd, err);
        hg_manifest_free(*man);
        *man = NULL;
    }
    return g;
}

/* Writes bits[0..n) (0/1 values, LSB first) as hex, most significant digit first. */
static void put_hex(FILE *f, const unsigned char *bits, int n)
{
    int nd = n > 0 ? (n + 3) / 4 : 1;
    for (int d = nd - 1; d >= 0; d--) {
        int v = 0;
        for (int b = 0; b < 4 && 4 * d + b < n; b++) v |= bits[4 * d + b] << b;
        fputc("0123456789abcdef"[v], f);
    }
}

/* --window START:END into ws, we: 0, or 2 with a message. */
static int glvec_window(const char *win, long *ws, long *we)
{
    const char *colon = strchr(win, ':');
    char *a = colon ? sy_strndup(win, (size_t)(colon - win)) : NULL;
    int bad = !a || sy_parse_long(a, 0, 1000000000000L, ws) != 0 ||
              sy_parse_long(colon + 1, 0, 1000000000000L, we) != 0 || *ws + 2 > *we;
    free(a);
    if (!bad) return 0;
    fprintf(stderr,
            "hgsynth glvec: --window '%s': must be START:END, integers with 0 <= START and "
            "START + 2 <= END (the cycles START < c < END count)\n",
            win);
    return 2;
}

/* Opens the captures of an instance, base.hex and base.<child>.hex of every child of g, in
   caps[0 .. nchildren]: 0, or 2 with a message. */
static int glvec_open(const sy_glmodel *g, const char *base, sy_capture *caps)
{
    char err[1024] = "";
    for (int f = 0; f < 1 + g->nchildren; f++) {
        char *p =
            f == 0 ? sy_asprintf("%s.hex", base) : sy_asprintf("%s.%s.hex", base, g->children[f - 1].path);
        int nc = f == 0 ? hg_mmod_ncols(g->mmod) : hg_mmod_ncols(g->children[f - 1].mod);
        int bad =
            sy_input_check(p, err, sizeof err) != 0 || sy_capture_open(&caps[f], p, nc, err, sizeof err) != 0;
        free(p);
        if (bad) {
            fprintf(stderr, "hgsynth glvec: no capture for %s (module %s): %s\n", base, g->mmod->name, err);
            return 2;
        }
    }
    return 0;
}

/* The bits of one captured cycle: the module's inputs into in, the outputs it must drive
   (its own outputs and its children's inputs) into exp, with care 0 where the capture has
   x or z. 0, or 2 when a column has the wrong width. */
static int glvec_cycle(const sy_glmodel *g, const sy_capture *caps, long cycle, unsigned char *in,
                       unsigned char *exp, unsigned char *care)
{
    memset(exp, 0, (size_t)g->nout);
    memset(care, 0, (size_t)g->nout);
    for (int si = 0; si < g->nsegs; si++) {
        const sy_seg *sg = &g->segs[si];
        const sy_capture *cf = &caps[sg->src + 1];
        const char *tk = cf->tok[sg->col];
        int n = cf->len[sg->col], want = (sg->width + 3) / 4;
        if (n != want) {
            fprintf(stderr,
                    "hgsynth glvec: %s: cycle %ld: column %d (port %s, %d bits) has %d hex digits, expected "
                    "%d: wrong capture column order (CAPTURE_ORDER)?\n",
                    cf->path, cycle, sg->col, sg->port, sg->width, n, want);
            return 2;
        }
        for (int b = 0; b < sg->width; b++) {
            int v = sy_hex_digit(tk[n - 1 - b / 4]);
            int bit = v >= 0 && ((v >> (b & 3)) & 1);
            if (sg->is_in) {
                in[sg->pos + b] = (unsigned char)bit;
            } else {
                exp[sg->pos + b] = (unsigned char)bit;
                care[sg->pos + b] = v >= 0;
            }
        }
    }
    return 0;
}

/* Writes one vector line a captured cycle to f, until the captures end: 0 (*cycles set to
   the number of cycles), or 2 with a message. */
static int glvec_write(FILE *f, const sy_glmodel *g, sy_capture *caps, const char *base, const char *win,
                       long ws, long we, long *cycles)
{
    char err[1024] = "";
    int nf = 1 + g->nchildren, rc = 0;
    const sy_seg *rst = NULL;
    for (int si = 0; si < g->nsegs; si++)
        if (g->segs[si].is_in && g->segs[si].src < 0 && strcmp(g->segs[si].port, "rst_ni") == 0)
            rst = &g->segs[si];
    unsigned char *in = sy_xcalloc((size_t)g->nin + 1, 1), *exp = sy_xcalloc((size_t)g->nout + 1, 1);
    unsigned char *care = sy_xcalloc((size_t)g->nout + 1, 1);
    int checking = rst == NULL, armed = 0;
    long cycle = 0;
    for (; !rc; cycle++) {
        int ended = 0;
        for (int k = 0; k < nf && rc == 0; k++) {
            int r = sy_capture_next(&caps[k], cycle, err, sizeof err);
            if (r < 0) rc = 2;
            ended += r == 0;
        }
        if (!rc && ended > 0 && ended < nf) {
            snprintf(err, sizeof err,
                     "captures of %s of unequal length: some end after %ld lines, others go on", base, cycle);
            rc = 2;
        }
        if (rc) {
            fprintf(stderr, "hgsynth glvec: %s\n", err);
            break;
        }
        if (ended) break;
        if ((rc = glvec_cycle(g, caps, cycle, in, exp, care)) != 0) break;
        int rst_low = rst && !in[rst->pos];
        if (armed && !rst_low) checking = 1;
        int in_window = !win || (cycle > ws && cycle < we);
        int flags = checking | in_window << 1 | (cycle > 0 && in_window) << 2;
        fprintf(f, "%x ", flags);
        put_hex(f, in, g->nin);
        fputc(' ', f);
        put_hex(f, exp, g->nout);
        fputc(' ', f);
        put_hex(f, care, g->nout);
        fputc('\n', f);
        armed |= rst_low;
    }
    free(in);
    free(exp);
    free(care);
    *cycles = cycle;
    return rc;
}

int sy_cmd_glvec(int argc, char **argv)
{
    const char *rtl = NULL, *nldir = NULL, *module = NULL, *base = NULL, *out = NULL, *win = NULL;
    const char *order_s = "ports";
    const sy_opt opts[] = {
        {"--rtl", &rtl, 1, 0, "generated RTL directory"},
        {"--netlists", &nldir, 1, 0, "directory of the Yosys JSON netlists"},
        {"--module", &module, 1, 0, "the instance's module"},
        {"--capture", &base, 1, 0, "capture path without .hex (submodules: BASE.<child>.hex)"},
        {"--out", &out, 1, 0, "vector file for synth/bench/hg_timed_tb.v"},
        {"--window", &win, 0, 0, "START:END: cycles START < c < END count as activity (default: all)"},
        {"--capture-order", &order_s, 0, 0, "capture column order: ports (default) or inputs-first"},
    };
    int rc = sy_parse_opts("glvec", "one instance's captured stimulus as vectors for the timed bench", argc,
                           argv, opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    long ws = 0, we = 0, cycle = 0;
    if (win && glvec_window(win, &ws, &we) != 0) return 2;
    hg_manifest *man = NULL;
    sy_glmodel *g = model("glvec", rtl, nldir, module, order_s, &man);
    if (!g) return 2;
    char err[1024] = "";
    int nf = 1 + g->nchildren;
    sy_capture *caps = sy_xcalloc((size_t)nf, sizeof *caps);
    rc = glvec_open(g, base, caps);
    sy_out o = {0};
    if (!rc && sy_out_open(&o, out, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth glvec: --out %s\n", err);
        rc = 2;
    }
    if (!rc) rc = glvec_write(o.f, g, caps, base, win, ws, we, &cycle);
    if (!rc && win && we > cycle) {
        fprintf(
            stderr,
            "hgsynth glvec: --window %ld:%ld ends past the captures of %s (%ld cycles): END must be at most "
            "%ld\n",
            ws, we, base, cycle, cycle);
        rc = 2;
    }
    if (!rc && sy_out_commit(&o, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth glvec: %s\n", err);
        rc = 2;
    }
    sy_out_abort(&o);
    for (int f = 0; f < nf; f++) sy_capture_close(&caps[f]);
    free(caps);
    sy_glmodel_free(g);
    hg_manifest_free(man);
    return rc;
}

/* Bit b of a hex number (most significant digit first): 0, 1, or -1 unknown (x, z). */
static int hex_bit(const char *s, size_t n, int b)
{
    size_t d = (size_t)b / 4;
    if (d >= n) return 0;
    int v = sy_hex_digit(s[n - 1 - d]);
    return v < 0 ? -1 : (v >> (b & 3)) & 1;
}

/* Bits [pos, pos+width) of a hex number as hex; mask (when given) marks the known bits. */
static void seg_hex(char *buf, const char *s, size_t n, const char *mask, size_t mn, int pos, int width)
{
    int k = 0;
    for (int d = (width + 3) / 4 - 1; d >= 0; d--) {
        int v = 0, known = 1;
        for (int b = 0; b < 4 && 4 * d + b < width; b++) {
            int x = hex_bit(s, n, pos + 4 * d + b);
            if (x < 0 || (mask && hex_bit(mask, mn, pos + 4 * d + b) != 1)) known = 0;
            v |= (x > 0) << b;
        }
        buf[k++] = known ? "0123456789abcdef"[v] : 'x';
    }
    buf[k] = 0;
}

/* What the timed bench wrote for one instance (synth/bench/hg_timed_tb.v). */
typedef struct {
    long cycles, counted, mism, ntog, got_tog;
    int ended, nacc;
    unsigned long long *acc; /* memory accesses: per memory, writes (if it has a write port), reads */
    unsigned long long *cnt; /* toggles per counted net */
} raw_counts;

/* A "mismatch CYCLE GOT EXP CARE" line of the bench: every output segment that differs
   where CARE is set is counted in r->mism, the first max_errors printed. 1 if the line is
   well formed. */
static int raw_mismatch(char *line, const sy_glmodel *g, const char *inst, long max_errors, char *buf,
                        raw_counts *r)
{
    char *f[5];
    int k = 0;
    long a;
    for (char *s = strtok(line, " \t"); s && k < 5; s = strtok(NULL, " \t")) f[k++] = s;
    if (k != 5 || sy_parse_long(f[1], 0, 1000000000000L, &a) != 0) return 0;
    for (int si = 0; si < g->nsegs; si++) {
        const sy_seg *sg = &g->segs[si];
        if (sg->is_in) continue;
        size_t ng = strlen(f[2]), ne = strlen(f[3]), nc = strlen(f[4]);
        int bad = 0;
        for (int bi = 0; bi < sg->width; bi++) {
            int o = sg->pos + bi;
            if (hex_bit(f[4], nc, o) == 1 && hex_bit(f[2], ng, o) != hex_bit(f[3], ne, o)) bad = 1;
        }
        if (!bad) continue;
        if (r->mism < max_errors) {
            seg_hex(buf, f[2], ng, NULL, 0, sg->pos, sg->width);
            fprintf(stderr, "hgsynth gltog: MISMATCH cycle %ld instance %s (module %s) ", a, inst,
                    g->mmod->name);
            if (sg->src < 0)
                fprintf(stderr, "output %s: got %s", sg->port, buf);
            else
                fprintf(stderr, "input %s of submodule %s: got %s", sg->port, g->children[sg->src].path, buf);
            seg_hex(buf, f[3], ne, f[4], nc, sg->pos, sg->width);
            fprintf(stderr, " expected %s\n", buf);
        }
        r->mism++;
    }
    return 1;
}

/* One line of the bench's counts (lineno > 1) into r: 1 if valid. */
static int raw_line(char *line, const sy_glmodel *g, const char *inst, long max_errors, char *buf,
                    raw_counts *r)
{
    char w[5][64];
    int n = 0, pos;
    const char *p = line;
    for (; n < 5 && sscanf(p, "%63s%n", w[n], &pos) == 1; n++) p += pos;
    long b;
    unsigned long long v;
    if (n == 0) return 1;
    if (r->ntog >= 0 && r->got_tog < r->ntog) {
        if (n != 1 || sy_parse_u64(w[0], &v) != 0) return 0;
        r->cnt[r->got_tog++] = v;
        return 1;
    }
    if (strcmp(w[0], "mismatch") == 0) return raw_mismatch(line, g, inst, max_errors, buf, r);
    if (n == 2 && strcmp(w[0], "cycles") == 0) return sy_parse_long(w[1], 0, 1000000000000L, &r->cycles) == 0;
    if (n == 2 && strcmp(w[0], "counted") == 0)
        return sy_parse_long(w[1], 0, 1000000000000L, &r->counted) == 0;
    if (n == 3 && strcmp(w[0], "acc") == 0) {
        if (sy_parse_long(w[1], 0, r->nacc - 1L, &b) != 0 || sy_parse_u64(w[2], &v) != 0) return 0;
        r->acc[b] = v;
        return 1;
    }
    if (n == 2 && strcmp(w[0], "toggles") == 0) return sy_parse_long(w[1], g->ntogs, g->ntogs, &r->ntog) == 0;
    if (n == 1 && strcmp(w[0], "end") == 0) {
        r->ended = 1;
        return 1;
    }
    return 0;
}

/* Reads the bench's counts file raw into r: 0, or 2 with a message. */
static int raw_read(const char *raw, const sy_glmodel *g, const char *inst, long max_errors, raw_counts *r)
{
    char err[1024] = "";
    char *text = sy_read_file(raw, NULL, err, sizeof err);
    char *buf = sy_xmalloc((size_t)g->nout + 8);
    int rc = 0, lineno = 0;
    if (!text) {
        fprintf(stderr, "hgsynth gltog: --raw %s\n", err);
        rc = 2;
    } else if (strncmp(text, "hgtraw 1\n", 9) != 0) {
        fprintf(stderr, "hgsynth gltog: --raw '%s': not written by synth/bench/hg_timed_tb.v\n", raw);
        rc = 2;
    }
    for (char *rest = text, *line; !rc && (line = sy_next_line(&rest));) {
        if (++lineno == 1) continue;
        if (!raw_line(line, g, inst, max_errors, buf, r)) {
            fprintf(stderr, "hgsynth gltog: --raw '%s': line %d is not a valid line of the bench's counts\n",
                    raw, lineno);
            rc = 2;
        }
    }
    if (!rc && (!r->ended || r->cycles < 0 || r->counted < 0 || r->ntog < 0 || r->got_tog != r->ntog)) {
        fprintf(stderr,
                "hgsynth gltog: --raw '%s': incomplete (the bench ended early, or it was built for another "
                "module than %s)\n",
                raw, g->mmod->name);
        rc = 2;
    }
    free(text);
    free(buf);
    return rc;
}

/* Writes the .tog file of the instance (the format hgsynth gatesim writes): 0, or 2. */
static int raw_write_tog(const char *tog, const char *inst, const sy_glmodel *g, const raw_counts *r)
{
    char err[1024];
    sy_out o = {0};
    if (sy_out_open(&o, tog, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth gltog: --toggles %s\n", err);
        return 2;
    }
    fprintf(o.f, "hgtog 1\ninstance %s\nmodule %s\ncycles %ld\ncounted %ld\nmismatches %ld\n", inst,
            g->mmod->name, r->cycles, r->counted, r->mism);
    int a = 0;
    for (int i = 0; i < g->nmems; i++) {
        const sy_glmem *m = &g->mems[i];
        if (m->wr_en >= 0) fprintf(o.f, "mem %s w %llu\n", m->name, r->acc[a++]);
        fprintf(o.f, "mem %s r %llu\n", m->name, r->acc[a++]);
    }
    fprintf(o.f, "toggles %d\n", g->ntogs);
    for (int t = 0; t < g->ntogs; t++) fprintf(o.f, "%llu\n", r->cnt[t]);
    int rc = 0;
    if (sy_out_commit(&o, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth gltog: %s\n", err);
        rc = 2;
    }
    sy_out_abort(&o);
    return rc;
}

int sy_cmd_gltog(int argc, char **argv)
{
    const char *rtl = NULL, *nldir = NULL, *module = NULL, *inst = NULL, *raw = NULL, *tog = NULL;
    const char *order_s = "ports", *maxerr_s = "10";
    const sy_opt opts[] = {
        {"--rtl", &rtl, 1, 0, "generated RTL directory"},
        {"--netlists", &nldir, 1, 0, "directory of the Yosys JSON netlists"},
        {"--module", &module, 1, 0, "the instance's module"},
        {"--instance", &inst, 1, 0, "instance name (the capture's base name)"},
        {"--raw", &raw, 1, 0, "counts written by synth/bench/hg_timed_tb.v"},
        {"--toggles", &tog, 1, 0, "the instance's .tog file to write"},
        {"--capture-order", &order_s, 0, 0, "capture column order: ports (default) or inputs-first"},
        {"--max-errors", &maxerr_s, 0, 0, "mismatches printed (default 10)"},
    };
    int rc = sy_parse_opts("gltog", "the timed bench's counts of one instance -> its .tog file", argc, argv,
                           opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    long max_errors;
    if (sy_opt_long("gltog", "--max-errors", maxerr_s, 0, 1000000, &max_errors) != 0) return 2;
    hg_manifest *man = NULL;
    sy_glmodel *g = model("gltog", rtl, nldir, module, order_s, &man);
    if (!g) return 2;
    raw_counts r = {.cycles = -1, .counted = -1, .ntog = -1};
    for (int i = 0; i < g->nmems; i++) r.nacc += 1 + (g->mems[i].wr_en >= 0);
    r.acc = sy_xcalloc((size_t)r.nacc + 1, sizeof *r.acc);
    r.cnt = sy_xcalloc((size_t)g->ntogs + 1, sizeof *r.cnt);
    rc = raw_read(raw, g, inst, max_errors, &r);
    if (!rc) rc = raw_write_tog(tog, inst, g, &r);
    if (!rc && r.mism) {
        fprintf(stderr, "hgsynth gltog: %s: %ld mismatching port values over %ld cycles\n", inst, r.mism,
                r.cycles);
        rc = 1;
    } else if (!rc) {
        printf("hgsynth gltog: %s: %ld cycles, gate level (timed) == RTL, %ld cycles of activity\n", inst,
               r.cycles, r.counted);
    }
    free(r.acc);
    free(r.cnt);
    sy_glmodel_free(g);
    hg_manifest_free(man);
    return rc;
}
