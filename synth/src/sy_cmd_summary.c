/* sy_cmd_summary.c — `hgsynth summary`: one run of synth/flow.sh reduced to numbers.
 *
 * Reads the run directory (flow variables, area reports, OpenSTA timing and per-instance
 * power tables, gate-level maps and toggle counts, the instance list) and writes
 * summary.json:
 *   - area per module and block (module area x instances), memories from sy_mem;
 *   - Fmax from the hierarchical top (or the slowest module);
 *   - power per instance P = sum_cells [P0 + a (P1 - P0)], a = simulated toggles per
 *     cycle of the cell's output, per block; memory power from simulated accesses;
 *   - throughput and energy per query, node-normalised.
 * Every input is read strictly (a missing, empty or malformed report, a flow variable out of
 * range, a toggle file with mismatches is an error naming the file and the value, exit 2);
 * the run must have been planned from the manifest given (PLAN_MANIFEST_HASH); a result
 * that is not finite is an error, never a number in the JSON.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sy_bound.h"
#include "sy_cmd.h"
#include "sy_energy.h"
#include "sy_glmodel.h"
#include "sy_io.h"
#include "sy_lib.h"
#include "sy_list.h"
#include "sy_manifest.h"
#include "sy_mem.h"
#include "sy_model.h"
#include "sy_util.h"

/* ------------------------------------------------------------------------------------ */
/* Small text readers. Each is strict: a file that is missing, empty or not of the expected */
/* form is an error naming the file, the line and the value, never a silent zero.           */

typedef struct {
    char **k, **v;
    int n;
} kvlist;

/* Reads "NAME = value" lines (log/flow_vars.txt). */
static int read_vars(const char *path, kvlist *kv, char *err, size_t errlen)
{
    char *text = sy_read_file(path, NULL, err, errlen);
    if (!text) return -1;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strstr(line, " = ");
        if (!eq) continue;
        char *e = eq;
        while (e > line && e[-1] == ' ') e--;
        kv->k = sy_xrealloc(kv->k, (size_t)(kv->n + 1) * sizeof *kv->k);
        kv->v = sy_xrealloc(kv->v, (size_t)(kv->n + 1) * sizeof *kv->v);
        kv->k[kv->n] = sy_strndup(line, (size_t)(e - line));
        kv->v[kv->n] = sy_strdup(eq + 3);
        kv->n++;
    }
    free(text);
    return 0;
}

static const char *var(const kvlist *kv, const char *name, const char *dflt)
{
    for (int i = 0; i < kv->n; i++)
        if (strcmp(kv->k[i], name) == 0) return kv->v[i];
    return dflt;
}

/* Numeric flow variables read back from flow_vars.txt, with the ranges synth/flow.sh
 * accepts: positive (> 0) or non-negative, at most max. */
/* Value of the model variable name (sy_model.h) in the run's flow variables: the table's
 * default when absent; -1 with err when it is not a number in its range. */
static int var_num(const kvlist *kv, const char *name, sy_model_params *mp, const char *path, char *err,
                   size_t errlen)
{
    const sy_model_var *mv = sy_model_find(name);
    const char *s = var(kv, name, NULL);
    if (!mv || !s) return mv ? 0 : -1;
    char why[256];
    if (sy_model_set(mp, mv, s, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        return -1;
    }
    return 0;
}

/* Capacitance of a library cell's pins marked `clock : true` (pF); 0 for NULL. */
static double clock_pin_pf(const sy_cell *c)
{
    double cap = 0;
    for (int i = 0; c && i < c->npins; i++)
        if (c->pins[i].clock) cap += c->pins[i].cap_pf;
    return cap;
}

/* Clocked cells in the cell list that starts at p (`  NAME  COUNT` lines after "Number of
 * cells:", up to a blank line or a line of another form) and their clock-pin capacitance:
 * the cells lib marks sequential (ff or latch), each with the capacitance of its pins marked
 * `clock : true`. Names that are not library cells (submodules) are skipped. */
static void count_flops(const char *p, const sy_lib *lib, double *n, double *pins_pf)
{
    char name[128];
    long count;
    for (p = strchr(p, '\n'); p && sscanf(p, " %127s %ld", name, &count) == 2 && count >= 0;) {
        const sy_cell *c = sy_lib_find(lib, name);
        if (c && c->nseq > 0) {
            *n += (double)count;
            *pins_pf += (double)count * clock_pin_pf(c);
        }
        p = strchr(p + 1, '\n');
        if (p && p[1] == '\n') break;
    }
}

/* One instance of module from its `stat -liberty` report: the area (the "Chip area" line,
 * or 0 for a module without library cells: submodules only, no such line) and, with a
 * library, its clocked cells and their clock-pin capacitance (count_flops; 0 without one).
 * -1 with err when the report is missing, not a stat report of this module, or its area is
 * not a number. */
static int stat_of(const char *path, const char *module, int leaf_cells, const sy_lib *lib, double *area,
                   double *flops, double *pins_pf, char *err, size_t errlen)
{
    char *text = sy_read_file(path, NULL, err, errlen);
    if (!text) return -1;
    char *head = sy_asprintf("=== %s ===", module);
    char *key = sy_asprintf("Chip area for module '\\%s': ", module);
    char *p = strstr(text, key), *sect = strstr(text, head);
    int rc = 0;
    *area = *flops = *pins_pf = 0;
    if (!sect) {
        snprintf(err, errlen, "%s: not a Yosys stat report of module %s (no \"%s\")", path, module, head);
        rc = -1;
    } else if (p) {
        char num[64] = "";
        sscanf(p + strlen(key), "%63s", num);
        if (sy_parse_double(num, 0, 1e15, area) != 0) {
            snprintf(err, errlen, "%s: chip area '%s' is not a number >= 0", path, num);
            rc = -1;
        }
    } else if (leaf_cells > 0) {
        snprintf(err, errlen, "%s: no \"Chip area\" line, but module %s has %d library cells", path, module,
                 leaf_cells);
        rc = -1;
    }
    const char *cells = sect ? strstr(sect, "Number of cells:") : NULL;
    if (!rc && lib && cells) count_flops(cells, lib, flops, pins_pf);
    free(head);
    free(key);
    free(text);
    return rc;
}

typedef struct {
    int found; /* a constrained path exists */
    double slack_ns;
    double period_ns;
    char start[256], end[256];
    /* the path's slowest stage: the cell output with the largest delay, and its load (a
       large load there is usually an unbuffered fan-out, e.g. across a module boundary) */
    char ws_pin[256], ws_cell[64];
    double ws_delay_ns, ws_load_pf;
} timing;

/* The slowest stage of the path rows in [p, stop): rows of a driving cell output read
   "Cap Slew Delay Time ^|v pin (CELL)"; other rows (clock, the endpoint's D pin) have fewer
   numbers and are skipped. */
static void worst_stage(timing *t, const char *p, const char *stop)
{
    while (p && p < stop) {
        double cap, slew, delay, at;
        char edge, pin[256], cell[64];
        if (sscanf(p, " %lf %lf %lf %lf %c %255s (%63[^)])", &cap, &slew, &delay, &at, &edge, pin, cell) ==
                7 &&
            (edge == '^' || edge == 'v') && isfinite(cap) && isfinite(delay) && delay > t->ws_delay_ns) {
            t->ws_delay_ns = delay;
            t->ws_load_pf = cap;
            snprintf(t->ws_pin, sizeof t->ws_pin, "%s", pin);
            snprintf(t->ws_cell, sizeof t->ws_cell, "%s", cell);
        }
        p = strchr(p, '\n');
        if (p) p++;
    }
}

/* First (max-delay) path of an OpenSTA report_checks: t->found = 0 for "No paths found.".
 * -1 with err when the report is missing, empty or not of that form. */
static int timing_of(const char *path, double period, timing *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->period_ns = period;
    char *text = sy_read_file(path, NULL, err, errlen);
    if (!text) return -1;
    const char *first = text;
    while (*first == ' ' || *first == '\n' || *first == '\t' || *first == '\r') first++;
    char *sp = strstr(text, "Startpoint: "), *ep = sp ? strstr(sp, "Endpoint: ") : NULL;
    char *sl = ep ? strstr(ep, " slack (") : NULL;
    int rc = 0;
    if (strncmp(first, "No paths found.", 15) == 0) {
        /* nothing constrained: found stays 0 */
    } else if (!sp || !ep || !sl) {
        snprintf(err, errlen, "%s: not an OpenSTA report_checks report (%s)", path,
                 *first ? "no Startpoint, Endpoint and slack" : "empty");
        rc = -1;
    } else {
        sscanf(sp + 12, "%255s", t->start);
        sscanf(ep + 10, "%255s", t->end);
        char *b = sl;
        while (b > text && b[-1] == ' ') b--;
        char *e = b;
        while (b > text && b[-1] != ' ' && b[-1] != '\n') b--;
        char *num = sy_strndup(b, (size_t)(e - b));
        if (sy_parse_double(num, -1e9, 1e9, &t->slack_ns) != 0) {
            snprintf(err, errlen, "%s: slack '%.40s' is not a number", path, num);
            rc = -1;
        } else if (t->period_ns - t->slack_ns <= 0) {
            snprintf(err, errlen, "%s: slack %g ns at a %g ns period gives a path of no delay", path,
                     t->slack_ns, t->period_ns);
            rc = -1;
        }
        free(num);
        t->found = rc == 0;
        char *arr = strstr(ep, "data arrival time");
        if (!rc) worst_stage(t, ep, arr && arr < sl ? arr : sl);
    }
    free(text);
    return rc;
}

static double fmax_mhz(const timing *t)
{
    double d = t->period_ns - t->slack_ns;
    return t->found && d > 0 ? 1000.0 / d : 0.0;
}

/* ------------------------------------------------------------------------------------ */
/* Per-instance power tables                                                              */

typedef struct {
    char *name;
    int have_p1;
    sy_cell_act a; /* powers, outputs with toggles; toggles: scratch, per instance */
} pcell;

typedef struct {
    pcell *c;
    int n;
} ptable;

static int pcell_cmp(const void *a, const void *b)
{
    return strcmp(((const pcell *)a)->name, ((const pcell *)b)->name);
}

static pcell *ptable_find(const ptable *t, const char *name)
{
    pcell key = {.name = (char *)(uintptr_t)name};
    return t->n ? bsearch(&key, t->c, (size_t)t->n, sizeof *t->c, pcell_cmp) : NULL;
}

/* Reads the report_power -instances rows "internal switching leakage total name" (lines of
 * five fields, four of them numbers; the group table has six fields and is skipped). -1
 * with err when the file cannot be read, a row has a number that is not finite, or (which
 * 1) a row names a cell the activity-0 table does not have. */
static int read_power(const char *path, ptable *t, int which, char *err, size_t errlen)
{
    char *text = sy_read_file(path, NULL, err, errlen);
    if (!text) return -1;
    int cap = t->n, lineno = 0, rc = 0;
    for (char *rest = text, *p; !rc && (p = sy_next_line(&rest));) {
        lineno++;
        char *f[5];
        double v[4];
        if (sy_split(p, f, 5) != 5) continue;
        int numeric = 0; /* a row has four numbers; the header "Group Internal ..." none */
        for (int k = 0; k < 4; k++) numeric |= sy_parse_double(f[k], -1e300, 1e300, &v[k]) == 0;
        if (!numeric) continue;
        for (int k = 0; k < 4 && !rc; k++)
            if (sy_parse_double(f[k], -1e6, 1e6, &v[k]) != 0) {
                snprintf(err, errlen, "%s: line %d: power '%.40s' is not a finite number", path, lineno,
                         f[k]);
                rc = -1;
            }
        if (rc) break;
        char *name = f[4];
        for (char *s = name, *d = name;; s++) { /* OpenSTA escapes [ ] with backslashes */
            if (*s != '\\') *d++ = *s;
            if (!*s) break;
        }
        if (which == 0) {
            if (t->n == cap) {
                cap = cap ? 2 * cap : 1024;
                t->c = sy_xrealloc(t->c, (size_t)cap * sizeof *t->c);
            }
            t->c[t->n++] = (pcell){.name = sy_strdup(name), .a = {.p0_w = v[3], .leak_w = v[2]}};
        } else {
            pcell *c = ptable_find(t, name);
            if (!c) {
                snprintf(err, errlen, "%s: line %d: cell %.80s is not in the activity-0 table", path, lineno,
                         name);
                rc = -1;
            } else {
                c->a.p1_w = v[3];
                c->have_p1 = 1;
            }
        }
    }
    free(text);
    if (which == 0 && t->n > 1) qsort(t->c, (size_t)t->n, sizeof *t->c, pcell_cmp);
    for (int i = 1; which == 0 && i < t->n && !rc; i++)
        if (strcmp(t->c[i - 1].name, t->c[i].name) == 0) {
            snprintf(err, errlen, "%s: cell %.80s has two rows", path, t->c[i].name);
            rc = -1;
        }
    for (int i = 0; which == 1 && i < t->n && !rc; i++)
        if (!t->c[i].have_p1) {
            snprintf(err, errlen, "%s: no row for cell %.80s (it is in the activity-0 table)", path,
                     t->c[i].name);
            rc = -1;
        }
    return rc;
}

static void ptable_free(ptable *t)
{
    for (int i = 0; i < t->n; i++) free(t->c[i].name);
    free(t->c);
}

/* ------------------------------------------------------------------------------------ */
/* Gate-level maps and toggle files                                                       */

typedef struct {
    char *inst, *type, *kind; /* memory instance, module, "r"/"w" */
} memref;

typedef struct {
    int ntog;
    pcell **tog_cell;                 /* per toggle net: its cell in the power table */
    double *tog_pin_pf, *tog_wire_pf; /* per toggle net: the load across the module boundary */
    int nmem;
    memref *mem;
    int ngate; /* clock-gating groups (sy_glgate): members by toggle index, their cell type */
    struct {
        char *type;
        int n, *togs;
    } * gate;
} glmap;

/* One "gate G TYPE NAME COND N TOG..." line of a map into m: NULL, or what is wrong with it. */
static const char *read_gate_line(char *line, glmap *m)
{
    int max = 6;
    for (const char *c = line; *c; c++) max += *c == ' ';
    char **f = sy_xmalloc((size_t)max * sizeof *f);
    int n = sy_split(line, f, max - 1);
    long g, cnt, t;
    const char *what = NULL;
    if (n < 7 || sy_parse_long(f[1], m->ngate, m->ngate, &g) != 0 || !sy_is_ident(f[2]) ||
        sy_parse_long(f[5], 1, SY_MAX_NETS, &cnt) != 0 || n != 6 + cnt)
        what = "a malformed gate line (gate INDEX TYPE NAME ENABLE N and N toggle indices, INDEX in order)";
    int *togs = what ? NULL : sy_xmalloc((size_t)cnt * sizeof *togs);
    for (int k = 0; !what && k < cnt; k++) {
        if (sy_parse_long(f[6 + k], 0, m->ntog - 1L, &t) != 0 || !m->tog_cell[t])
            what = "a gate member that is not a toggle net of the map";
        else
            togs[k] = (int)t;
    }
    if (!what) {
        m->gate = sy_xrealloc(m->gate, (size_t)(m->ngate + 1) * sizeof *m->gate);
        m->gate[m->ngate].type = sy_strdup(f[2]);
        m->gate[m->ngate].n = (int)cnt;
        m->gate[m->ngate++].togs = togs;
    } else {
        free(togs);
    }
    free(f);
    return what;
}

/* Reads map.txt (sy_glmodel_write_map): its widths, toggle nets (each index once, each cell
 * in the power table; its boundary load from bm, which may be NULL) and memory enables. -1
 * with err on anything else. */
static int read_map(const char *path, const char *module, ptable *t, const sy_bmod *bm, glmap *m, char *err,
                    size_t errlen)
{
    char *text = sy_read_file(path, NULL, err, errlen);
    if (!text) return -1;
    int lineno = 0, rc = 0, have_widths = 0, ntogs_seen = 0;
    for (char *rest = text, *p; !rc && (p = sy_next_line(&rest));) {
        lineno++;
        char *f[8];
        const char *what = NULL;
        if (strncmp(p, "gate ", 5) == 0) {
            if (!have_widths || ntogs_seen != m->ntog)
                what = "a gate line before every tog line";
            else
                what = read_gate_line(p, m);
            if (what) {
                snprintf(err, errlen, "%s: line %d: %s", path, lineno, what);
                rc = -1;
            }
            continue;
        }
        int n = sy_split(p, f, 7);
        long x[4];
        if (n == 0) continue;
        if (strcmp(f[0], "widths") == 0) {
            if (n != 5 || have_widths) what = "a second or malformed widths line";
            for (int k = 0; k < 4 && !what; k++)
                if (sy_parse_long(f[k + 1], 0, SY_MAX_NETS, &x[k]) != 0)
                    what = "a width that is not an integer";
            if (!what) {
                m->ntog = (int)x[2];
                m->tog_cell = sy_xcalloc((size_t)(m->ntog ? m->ntog : 1), sizeof *m->tog_cell);
                m->tog_pin_pf = sy_xcalloc((size_t)(m->ntog ? m->ntog : 1), sizeof *m->tog_pin_pf);
                m->tog_wire_pf = sy_xcalloc((size_t)(m->ntog ? m->ntog : 1), sizeof *m->tog_wire_pf);
                have_widths = 1;
            }
        } else if (strcmp(f[0], "tog") == 0) {
            if (n != 4 || !have_widths || sy_parse_long(f[1], 0, m->ntog - 1L, &x[0]) != 0 ||
                m->tog_cell[x[0]])
                what = "a tog line that is malformed, out of range or repeated";
            else if (!(m->tog_cell[x[0]] = ptable_find(t, f[2])))
                what = "a toggle net of a cell that has no row in the power tables";
            else {
                m->tog_cell[x[0]]->a.nout++;
                ntogs_seen++;
                const sy_bdrv *bd = bm ? sy_bound_find(bm, f[2], f[3]) : NULL;
                if (bd) {
                    m->tog_pin_pf[x[0]] = bd->pin_pf;
                    m->tog_wire_pf[x[0]] = bd->wire_pf;
                }
            }
        } else if (strcmp(f[0], "mem") == 0) {
            if (n != 6 || sy_parse_long(f[1], 0, SY_MAX_NETS, &x[0]) != 0 ||
                (strcmp(f[4], "r") && strcmp(f[4], "w")))
                what = "a malformed mem line";
            else {
                m->mem = sy_xrealloc(m->mem, (size_t)(m->nmem + 1) * sizeof *m->mem);
                m->mem[m->nmem++] = (memref){sy_strdup(f[2]), sy_strdup(f[3]), sy_strdup(f[4])};
            }
        } else if (strcmp(f[0], "module") == 0) {
            if (n != 2 || strcmp(f[1], module) != 0) what = "another module";
        } else if (strcmp(f[0], "hggl") && strcmp(f[0], "self") && strcmp(f[0], "child") &&
                   strcmp(f[0], "in") && strcmp(f[0], "out")) {
            what = "a line that is not part of a map";
        }
        if (what) {
            snprintf(err, errlen, "%s: line %d: %s", path, lineno, what);
            rc = -1;
        }
    }
    free(text);
    if (!rc && (!have_widths || ntogs_seen != m->ntog)) {
        snprintf(err, errlen, "%s: %s", path,
                 have_widths ? "fewer tog lines than its widths say" : "no widths line");
        rc = -1;
    }
    return rc;
}

static void glmap_free(glmap *m)
{
    for (int i = 0; i < m->nmem; i++) {
        free(m->mem[i].inst);
        free(m->mem[i].type);
        free(m->mem[i].kind);
    }
    free(m->mem);
    for (int i = 0; i < m->ngate; i++) {
        free(m->gate[i].type);
        free(m->gate[i].togs);
    }
    free(m->gate);
    free(m->tog_cell);
    free(m->tog_pin_pf);
    free(m->tog_wire_pf);
}

typedef struct {
    long cycles, counted, mismatches;
    int nmem;
    char **mem_inst, **mem_kind;
    double *mem_count;
    int ntog;
    double *tog;
    int ngate;    /* -1: no gates line (a simulator that does not count them: GL_SIM=timed) */
    double *gate; /* per clock-gating group: the cycles its gate is open (its enable was on) */
    double *chg;  /* per clock-gating group: the cycles one of its flip-flops changed */
} togfile;

/* One header line of a .tog file (f[0..n-1], n >= 1) into t: the record's fields, `have`
 * (bits of cycles, counted, mismatches seen), `in_counts` once the `toggles N` line is read.
 * NULL, or what is wrong with the line. */
static const char *tog_header_line(togfile *t, char **f, int n, const char *module, int *have, int *in_counts)
{
    long x = 0;
    double c;
    if (strcmp(f[0], "hgtog") == 0 || strcmp(f[0], "instance") == 0)
        return n != 2 ? "a malformed header line" : NULL;
    if (strcmp(f[0], "module") == 0)
        return n != 2 || strcmp(f[1], module) != 0 ? "a toggle file of another module" : NULL;
    if (strcmp(f[0], "cycles") == 0 || strcmp(f[0], "counted") == 0 || strcmp(f[0], "mismatches") == 0) {
        int k3 = strcmp(f[0], "cycles") == 0 ? 0 : strcmp(f[0], "counted") == 0 ? 1 : 2;
        long *dst[3] = {&t->cycles, &t->counted, &t->mismatches};
        if (n != 2 || sy_parse_long(f[1], 0, 1L << 62, &x) != 0) return "a count that is not an integer >= 0";
        *dst[k3] = x;
        *have |= 1 << k3;
        return NULL;
    }
    if (strcmp(f[0], "mem") == 0) {
        if (n != 4 || (strcmp(f[2], "r") && strcmp(f[2], "w")) || sy_parse_double(f[3], 0, 1e18, &c) != 0)
            return "a malformed mem line";
        t->mem_inst = sy_xrealloc(t->mem_inst, (size_t)(t->nmem + 1) * sizeof(char *));
        t->mem_kind = sy_xrealloc(t->mem_kind, (size_t)(t->nmem + 1) * sizeof(char *));
        t->mem_count = sy_xrealloc(t->mem_count, (size_t)(t->nmem + 1) * sizeof(double));
        t->mem_inst[t->nmem] = sy_strdup(f[1]);
        t->mem_kind[t->nmem] = sy_strdup(f[2]);
        t->mem_count[t->nmem++] = c;
        return NULL;
    }
    if (strcmp(f[0], "gates") == 0) {
        if (n != 2 || t->ngate >= 0 || sy_parse_long(f[1], 0, SY_MAX_NETS, &x) != 0)
            return "a malformed or second gates line";
        t->ngate = (int)x;
        t->gate = sy_xcalloc((size_t)(x ? x : 1), sizeof *t->gate);
        t->chg = sy_xcalloc((size_t)(x ? x : 1), sizeof *t->chg);
        *have |= 8;
        return NULL;
    }
    if (strcmp(f[0], "gate") == 0) {
        long g;
        double ch;
        if (n != 4 || sy_parse_long(f[1], 0, t->ngate - 1L, &g) != 0 ||
            sy_parse_double(f[2], 0, 1e18, &c) != 0 || c != floor(c) ||
            sy_parse_double(f[3], 0, 1e18, &ch) != 0 || ch != floor(ch))
            return "a malformed gate line (gate INDEX OPEN CHANGED, after the gates line)";
        t->gate[g] = c;
        t->chg[g] = ch;
        return NULL;
    }
    if (strcmp(f[0], "toggles") == 0) {
        if (n != 2 || sy_parse_long(f[1], 0, SY_MAX_NETS, &x) != 0) return "a malformed toggles line";
        t->ntog = (int)x;
        t->tog = sy_xcalloc((size_t)(t->ntog ? t->ntog : 1), sizeof *t->tog);
        *in_counts = 1;
        return NULL;
    }
    return "a line that is not part of a toggle file";
}

/* Reads one <instance>.tog (hgsynth gatesim, hggl_sim): header, memory access counts, then
 * exactly `toggles N` counts. -1 with err when it is malformed, from another module, or
 * records mismatches (its gate-level check failed). */
static int read_tog(const char *path, const char *module, togfile *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    t->ngate = -1;
    char *text = sy_read_file(path, NULL, err, errlen);
    if (!text) return -1;
    int lineno = 0, rc = 0, k = 0, in_counts = 0, have = 0;
    for (char *rest = text, *p; !rc && (p = sy_next_line(&rest));) {
        lineno++;
        char *f[5];
        int n = sy_split(p, f, 4);
        const char *what = NULL;
        double c;
        if (in_counts) {
            if (n != 1 || k >= t->ntog || sy_parse_double(f[0], 0, 1e18, &c) != 0 || c != floor(c))
                what = "a toggle count that is not an integer >= 0, or one too many";
            else
                t->tog[k++] = c;
        } else if (n > 0) {
            what = tog_header_line(t, f, n, module, &have, &in_counts);
        }
        if (what) {
            snprintf(err, errlen, "%s: line %d: %s", path, lineno, what);
            rc = -1;
        }
    }
    free(text);
    if (rc) return rc;
    if (!in_counts || (have & 7) != 7 || k != t->ntog)
        snprintf(err, errlen, "%s: incomplete toggle file (header, counts or the %d toggle counts)", path,
                 t->ntog);
    else if (t->counted < 1 || t->counted > t->cycles)
        snprintf(err, errlen, "%s: counted %ld cycles of %ld: no activity measured", path, t->counted,
                 t->cycles);
    else if (t->mismatches > 0)
        snprintf(err, errlen, "%s: %ld mismatches: the gate-level check of this instance failed", path,
                 t->mismatches);
    else
        return 0;
    return -1;
}

static void tog_free(togfile *t)
{
    for (int i = 0; i < t->nmem; i++) {
        free(t->mem_inst[i]);
        free(t->mem_kind[i]);
    }
    free(t->mem_inst);
    free(t->mem_kind);
    free(t->mem_count);
    free(t->tog);
    free(t->gate);
    free(t->chg);
}

/* ------------------------------------------------------------------------------------ */
/* Per-module results                                                                     */

typedef struct {
    const hg_mmod *mm;
    double area_um2; /* one instance */
    int leaf_cells;
    timing tm;
    int n_inst, n_sim, n_with_cells;
    double p_sum_w; /* sum over simulated instances */
    double leak_sum_w, p0dyn_sum_w;
    double act_sum; /* mean output activity, summed over simulated instances */
    double power_w; /* all instances */
    double leak_w;
    long counted;                   /* activity cycles (max over its instances) */
    double flops, pins_pf;          /* clocked cells of one instance and their clock-pin capacitance */
    double bpin_sum_w, bwire_sum_w; /* boundary pins and wires, summed over simulated instances */
    double bpin_w, bwire_w;         /* all instances (part of power_w) */
    /* the clock-gating estimate, summed over simulated instances (_sum) and scaled to all */
    int cg_unmeasured;                  /* a simulated instance's toggle file has no gate counts */
    double cg_flop_sum_w, cg_pin_sum_w; /* flops' internal clock power and clock-pin charge saved */
    double cg_icg_sum_w, cg_icg_sum;    /* the gates' power, the gates */
    double cg_gated_sum, cg_en_sum;     /* flops behind a gate, and those weighted by its enable rate */
    double cg_chg_sum;                  /* ... and by the rate of cycles one of its flops changed */
    double cg_flop_w, cg_pin_w, cg_icg_w, cg_icg, cg_gated, cg_en, cg_chg;
} modres;

/* What the clock-gating estimate needs from the model: the library (clock-pin capacitance by
   cell type; NULL without one), its parameters, whether the pins' charge is counted at all
   (CLK_TREE=1), and the clock period. */
typedef struct {
    const sy_lib *lib;
    const sy_clock_params *clk;
    int pins;
    double period_ns;
} gatectx;

/* The clock-gating estimate of one simulated instance (docs/synth.md, "Clock gating"): the
   flip-flops of a register that share a load enable, at least gate_min of them, get a gate,
   whose clock runs in the cycles after one with that enable on (tf's gate counts over cyc
   cycles); the flops' internal clock power
   (their power at activity 0 less leakage) and their clock pins' charge are saved in the
   other cycles, and each gate costs icg_pj every cycle plus icg_on_pj in those it passes. */
static void add_instance_gating(modres *r, const glmap *map, const togfile *tf, double cyc, const gatectx *gc)
{
    if (tf->ngate < 0) {
        r->cg_unmeasured = 1;
        return;
    }
    double t = gc->period_ns * 1e-9, v2 = gc->clk->vdd * gc->clk->vdd;
    for (int q = 0; q < map->ngate; q++) {
        int n = map->gate[q].n;
        if (n < gc->clk->gate_min) continue;
        double e = tf->gate[q] / cyc, off = 1 - e, flop = 0;
        for (int k = 0; k < n; k++) {
            const pcell *pc = map->tog_cell[map->gate[q].togs[k]];
            flop += pc->a.p0_w - pc->a.leak_w;
        }
        r->cg_flop_sum_w += flop * off;
        if (gc->pins)
            r->cg_pin_sum_w += v2 * clock_pin_pf(gc->lib ? sy_lib_find(gc->lib, map->gate[q].type) : NULL) *
                               n * off * 1e-12 / t;
        r->cg_icg_sum_w += (gc->clk->icg_pj + gc->clk->icg_on_pj * e) * 1e-12 / t;
        r->cg_icg_sum += 1;
        r->cg_gated_sum += n;
        r->cg_en_sum += n * e;
        r->cg_chg_sum += n * tf->chg[q] / cyc;
    }
}

typedef struct {
    const hg_mmod *mm;
    double reads, writes;
    long cycles;
    sy_mem_cost cost;
    long write_bits;
} memres;

static int port_w(const hg_mmod *m, const char *needle, hg_dir dir)
{
    for (int i = 0; i < m->nports; i++)
        if (m->ports[i].dir == dir && strstr(m->ports[i].name, needle)) return m->ports[i].width;
    return 0;
}

/* Adds one simulated instance's power to r: its toggle counts tf applied to the module's
   cells (t, through map), its boundary nets switched at bnd_vdd (V) every period_ns. */
static void add_instance_power(modres *r, ptable *t, const glmap *map, const togfile *tf, double bnd_vdd,
                               const gatectx *gc)
{
    double period_ns = gc->period_ns;
    double cyc = tf->counted > 0 ? (double)tf->counted : 1.0;
    if (tf->counted > r->counted) r->counted = tf->counted;
    for (int c = 0; c < t->n; c++) t->c[c].a.toggles = 0;
    double bpin = 0, bwire = 0; /* pF x toggles */
    for (int k = 0; k < map->ntog; k++) {
        if (map->tog_cell[k]) map->tog_cell[k]->a.toggles += tf->tog[k];
        bpin += map->tog_pin_pf[k] * tf->tog[k];
        bwire += map->tog_wire_pf[k] * tf->tog[k];
    }
    r->bpin_sum_w += sy_switch_power_w(bpin, bnd_vdd, cyc, period_ns);
    r->bwire_sum_w += sy_switch_power_w(bwire, bnd_vdd, cyc, period_ns);
    sy_cell_act *cells = sy_xcalloc((size_t)(t->n ? t->n : 1), sizeof *cells);
    for (int c = 0; c < t->n; c++) cells[c] = t->c[c].a;
    sy_cells_power cp = sy_cells_power_of(cells, t->n, cyc);
    free(cells);
    r->p_sum_w += cp.power_w;
    r->leak_sum_w += cp.leak_w;
    r->p0dyn_sum_w += cp.p0dyn_w;
    r->act_sum += cp.act_mean;
    r->n_sim++;
    add_instance_gating(r, map, tf, cyc, gc);
}

/* Adds one simulated instance's memory accesses (tf) to the memory types (mems) of the
   memory instances its map names. */
static void add_instance_mem(memres *mems, int nmems, const glmap *map, const togfile *tf)
{
    for (int k = 0; k < tf->nmem; k++) {
        const char *type = NULL;
        for (int j = 0; j < map->nmem; j++)
            if (strcmp(map->mem[j].inst, tf->mem_inst[k]) == 0) type = map->mem[j].type;
        for (int j = 0; type && j < nmems; j++) {
            if (strcmp(mems[j].mm->name, type) != 0) continue;
            if (tf->mem_kind[k][0] == 'r')
                mems[j].reads += tf->mem_count[k];
            else
                mems[j].writes += tf->mem_count[k];
            if (tf->counted > mems[j].cycles) mems[j].cycles = tf->counted;
        }
    }
}

/* Reads the toggle file of instance `inst` of module `name` in run and checks it against the
   module's map. -1 with err (tf freed) when it is malformed or from another netlist. */
static int read_instance_tog(const char *run, const char *inst, const char *name, const glmap *map,
                             togfile *tf, char *err, size_t errlen)
{
    char *tp = sy_asprintf("%s/reports/toggles/%s.tog", run, inst);
    int trc = read_tog(tp, name, tf, err, errlen);
    if (!trc && tf->ntog != map->ntog) {
        snprintf(err, errlen, "toggle file %s has %d toggle nets, the module's map %d: not from this netlist",
                 tp, tf->ntog, map->ntog);
        trc = -1;
    }
    if (!trc && tf->ngate >= 0 && tf->ngate != map->ngate) {
        snprintf(err, errlen,
                 "toggle file %s has %d clock-gating groups, the module's map %d: not from this netlist", tp,
                 tf->ngate, map->ngate);
        trc = -1;
    }
    for (int q = 0; !trc && q < tf->ngate; q++) {
        if (tf->gate[q] > (double)tf->counted) {
            snprintf(err, errlen, "toggle file %s: gate %d open in %.0f cycles of %ld counted", tp, q,
                     tf->gate[q], tf->counted);
            trc = -1;
        } else if (tf->chg[q] > tf->gate[q]) { /* a flop loaded with its enable off */
            snprintf(err, errlen,
                     "toggle file %s: a flip-flop of gate %d changed in %.0f cycles, its enable was on in "
                     "%.0f: the enable map (<module>.ffen.json) does not describe this netlist",
                     tp, q, tf->chg[q], tf->gate[q]);
            trc = -1;
        }
    }
    if (trc) tog_free(tf);
    free(tp);
    return trc;
}

/* Simulated power of every instance of one module; bm: its boundary loads (or NULL), switched
   at bnd_vdd (V) every period_ns. */
static int module_power(const char *run, const sy_list *list, modres *r, memres *mems, int nmems,
                        const sy_bmod *bm, double bnd_vdd, const gatectx *gc, char *err, size_t errlen)
{
    const char *name = r->mm->name;
    char *p0 = sy_asprintf("%s/reports/sta/%s.power0.rpt", run, name);
    char *p1 = sy_asprintf("%s/reports/sta/%s.power1.rpt", run, name);
    char *mp = sy_asprintf("%s/generated/gl/%s/map.txt", run, name);
    ptable t = {0};
    glmap map = {0};
    int rc = 0, have_map = 0;
    if (read_power(p0, &t, 0, err, errlen) != 0 || read_power(p1, &t, 1, err, errlen) != 0) rc = -1;
    for (int li = 0; li < list->n && rc == 0; li++) {
        const sy_inst *in = &list->v[li];
        if (in->mod != r->mm) continue;
        r->n_inst++;
        r->leaf_cells = (int)in->cells;
        if (in->cells > 0) r->n_with_cells++;
        if (!in->simulate) continue;
        if (!have_map && read_map(mp, name, &t, bm, &map, err, errlen) != 0) {
            rc = -1;
            break;
        }
        have_map = 1;
        togfile tf;
        if (read_instance_tog(run, in->name, name, &map, &tf, err, errlen) != 0) {
            rc = -1;
            break;
        }
        add_instance_power(r, &t, &map, &tf, bnd_vdd, gc);
        add_instance_mem(mems, nmems, &map, &tf);
        tog_free(&tf);
    }
    /* instances not simulated (sampling) take the mean of the simulated ones */
    if (rc == 0 && r->n_sim > 0) {
        double scale = (double)r->n_with_cells / r->n_sim;
        r->bpin_w = r->bpin_sum_w * scale;
        r->bwire_w = r->bwire_sum_w * scale;
        r->power_w = r->p_sum_w * scale + r->bpin_w + r->bwire_w;
        r->leak_w = r->leak_sum_w * scale;
        r->cg_flop_w = r->cg_flop_sum_w * scale;
        r->cg_pin_w = r->cg_pin_sum_w * scale;
        r->cg_icg_w = r->cg_icg_sum_w * scale;
        r->cg_icg = r->cg_icg_sum * scale;
        r->cg_gated = r->cg_gated_sum * scale;
        r->cg_en = r->cg_en_sum * scale;
        r->cg_chg = r->cg_chg_sum * scale;
    }
    glmap_free(&map);
    ptable_free(&t);
    free(p0);
    free(p1);
    free(mp);
    return rc;
}

/* hg_phase.txt: "KEY INTEGER" lines (query_start, query_end, queries, outputs, cycles,
 * n_keys); *queries and *n_keys from theirs (left as they are when absent). -1 with err when
 * a line is not of that form. */
static int read_phase(const char *path, double *queries, double *n_keys, char *err, size_t errlen)
{
    char *text = sy_read_file(path, NULL, err, errlen);
    if (!text) return -1;
    int lineno = 0, rc = 0;
    for (char *rest = text, *p; !rc && (p = sy_next_line(&rest));) {
        lineno++;
        char *f[3];
        long v;
        int n = sy_split(p, f, 2);
        if (n == 0) continue;
        if (n != 2 || sy_parse_long(f[1], 0, 1L << 50, &v) != 0) {
            snprintf(err, errlen, "%s: line %d: expected KEY and an integer >= 0", path, lineno);
            rc = -1;
        } else if (strcmp(f[0], "queries") == 0) {
            *queries = (double)v;
        } else if (strcmp(f[0], "n_keys") == 0) {
            *n_keys = (double)v;
        }
    }
    free(text);
    return rc;
}

/* The run directory must have been planned from this very manifest: its
 * generated/plan.sh records the manifest's hash (hgsynth plan). -1 with err otherwise. */
static int check_plan(const char *run, const hg_manifest *man, char *err, size_t errlen)
{
    char *pp = sy_asprintf("%s/generated/plan.sh", run);
    char rerr[768];
    char *text = sy_read_file(pp, NULL, rerr, sizeof rerr);
    int rc = -1;
    if (!text) {
        snprintf(err, errlen, "run plan: %s (not a run directory of synth/flow.sh?)", rerr);
    } else {
        char want[64], cfg[128] = "?";
        snprintf(want, sizeof want, "\nPLAN_MANIFEST_HASH='%016llx'\n", sy_manifest_hash(man));
        const char *c = strstr(text, "\nPLAN_CONFIG='");
        if (c) sscanf(c + 14, "%127[^'\n]", cfg);
        if (strstr(text, want))
            rc = 0;
        else if (!strstr(text, "\nPLAN_MANIFEST_HASH='"))
            snprintf(err, errlen,
                     "%s has no PLAN_MANIFEST_HASH: a run of an older flow; run synth/flow.sh again", pp);
        else
            snprintf(err, errlen,
                     "run directory %s (%s) was planned from another manifest than %s/manifest.json: "
                     "give the RTL directory the run was made from",
                     run, cfg, man->dir);
    }
    free(text);
    free(pp);
    return rc;
}

/* Results must be finite: the first non-finite one is recorded here by num() and makes
 * the command fail instead of writing it. */
static const char *nonfinite_key;

static void addnum(cJSON *o, const char *key, double v)
{
    if (!isfinite(v) && !nonfinite_key) nonfinite_key = key;
    cJSON_AddNumberToObject(o, key, isfinite(v) ? v : 0.0);
}

/* ------------------------------------------------------------------------------------ */
/* The command: load, per-module results, timing, activity, totals and energy, JSON.        */

typedef struct {
    const char *name;
    double area, power, leak;
} blockres;

typedef struct {
    const char *run;
    hg_manifest *man;
    kvlist kv;
    sy_list list;
    sy_out jout;
    sy_model_params model;
    modres *mods;
    int nmods;
    memres *mems;
    int nmems;
    /* timing */
    timing top;
    const char *fsrc, *crit_mod;
    double fmax;
    /* activity */
    long cycles;
    double queries;
    double n_keys; /* keys of the stimulus (hg_phase.txt), 0: not stated */
    int by_window;
    /* totals */
    blockres blocks[HG_MAX_BLOCKS + 1]; /* the manifest's, and the clock network's */
    int nblocks;
    double logic_area, logic_p, logic_leak, p0dyn;
    long cells_total, cells_cov, inst_cells, inst_sim;
    double mem_area, mem_p, mem_leak;
    double mem_bus_p, mem_pins_p; /* the memories' data buses and the pins they drive: in mem_p (W) */
    double bnd_pin_p, bnd_wire_p; /* module boundaries' pins and wires: part of logic_p (W) */
    double ii, cyc_per_q;
    sy_clock_tree clk; /* the clock network (zero when CLK_TREE=0) */
    double clk_w;      /* its power at the flow's clock */
    /* the clock-gating estimate over all modules (W; gates, flops), and the energy with it */
    int cg_measured;
    double cg_flop_w, cg_pin_w, cg_icg_w, cg_icg, cg_gated, cg_en, cg_chg, cg_flops, cg_logic_w;
    sy_energy cg_en_q;
    sy_lib *lib;
    sy_energy en;
} summary;

/* The manifest (planned for this run), the flow and model variables, the instance list and
   the output: 0, or -1 with err. */
static int load(summary *s, const char *rtl, const char *out, char *err, size_t errlen)
{
    sy_model_defaults(&s->model);
    s->man = sy_manifest_load(rtl, err, errlen);
    char *vp = sy_asprintf("%s/log/flow_vars.txt", s->run);
    char *ilp = sy_asprintf("%s/generated/instances.txt", s->run);
    int rc = !s->man;
    if (!rc) rc = check_plan(s->run, s->man, err, errlen) != 0;
    if (!rc && read_vars(vp, &s->kv, err, errlen) != 0) {
        char e2[960];
        snprintf(e2, sizeof e2, "%.900s", err);
        snprintf(err, errlen, "flow variables: %.900s (not a flow run directory?)", e2);
        rc = 1;
    }
    if (!rc && !var(&s->kv, "CLK_PERIOD_NS", NULL)) {
        snprintf(err, errlen, "%s: no CLK_PERIOD_NS", vp);
        rc = 1;
    }
    for (int i = 0; i < sy_model_nvars && !rc; i++)
        rc = var_num(&s->kv, sy_model_vars[i].name, &s->model, vp, err, errlen) != 0;
    if (!rc && s->model.clk_tree != 0 && s->model.clk_tree != 1) {
        snprintf(err, errlen, "%s: CLK_TREE = %g: must be 0 or 1", vp, s->model.clk_tree);
        rc = 1;
    }
    if (!rc && s->model.clk_tree == 1 && s->model.clk.buf_load_pf < 2 * s->model.clk.buf_in_pf) {
        snprintf(err, errlen,
                 "%s: CLK_BUF_LOAD_PF = %g: must be at least twice CLK_BUF_IN_PF (%g), a buffer "
                 "fan-out of 2 or more",
                 vp, s->model.clk.buf_load_pf, s->model.clk.buf_in_pf);
        rc = 1;
    }
    if (!rc && (s->model.clk_tree == 1 || s->model.bnd_pins != 0 || s->model.bnd_wire_k > 0)) {
        /* the clock-pin capacitances of the flops, the pins across module boundaries */
        const char *lp = var(&s->kv, "LIB", "");
        s->lib = sy_lib_read(lp, err, errlen);
        rc = !s->lib;
    }
    if (!rc) rc = sy_list_read(ilp, s->man, &s->list, err, errlen) != 0;
    if (!rc) rc = sy_out_open(&s->jout, out, err, errlen) != 0;
    free(vp);
    free(ilp);
    return rc ? -1 : 0;
}

/* Memory costs, then every logic module's area, timing and simulated power: 0, or -1 after
   a message naming the module. */
static int module_results(summary *s, char *err, size_t errlen)
{
    const hg_manifest *man = s->man;
    s->mods = sy_xcalloc((size_t)man->nmods, sizeof *s->mods);
    s->mems = sy_xcalloc((size_t)man->nmods, sizeof *s->mems);
    for (int i = 0; i < man->nmods; i++) {
        const hg_mmod *mm = &man->mods[i];
        if (!mm->is_memory) continue;
        long wb = port_w(mm, "wdata", HG_DIR_IN);
        memres *m = &s->mems[s->nmems++];
        *m = (memres){.mm = mm, .write_bits = wb > 0 ? wb : mm->width};
        m->cost = sy_mem_cost_of(&s->model.mem, mm->words, mm->width, m->write_bits, mm->read_ports,
                                 mm->write_ports);
    }
    int rc = 0;
    double *area = sy_xcalloc((size_t)man->nmods, sizeof *area); /* one instance, by manifest index */
    for (int i = 0; i < man->nmods && !rc; i++) { /* areas first: the boundary wires need them */
        const hg_mmod *mm = &man->mods[i];
        if (mm->is_memory) continue;
        modres *r = &s->mods[s->nmods++];
        r->mm = mm;
        for (int li = 0; li < s->list.n; li++)
            if (s->list.v[li].mod == mm) r->leaf_cells = (int)s->list.v[li].cells;
        char *ap = sy_asprintf("%s/reports/area/%s.rpt", s->run, mm->name);
        rc = stat_of(ap, mm->name, r->leaf_cells, s->lib, &r->area_um2, &r->flops, &r->pins_pf, err,
                     errlen) != 0;
        area[i] = r->area_um2;
        if (rc) fprintf(stderr, "hgsynth summary: %s: %s\n", mm->name, err);
        free(ap);
    }
    sy_bmod *bm = sy_xcalloc((size_t)man->nmods, sizeof *bm);
    if (!rc && s->lib && (s->model.bnd_pins != 0 || s->model.bnd_wire_k > 0)) {
        char *nd = sy_asprintf("%s/generated/netlist", s->run);
        const sy_bound_params bp = {s->model.bnd_wire_k, s->model.bnd_wire_pf_mm,
                                    atof(var(&s->kv, "OUT_LOAD_PF", "0")), s->model.bnd_pins != 0};
        rc = sy_bound_compute(man, nd, s->lib, area, &bp, bm, err, errlen) != 0;
        if (rc) fprintf(stderr, "hgsynth summary: module boundaries: %s\n", err);
        free(nd);
        for (int j = 0; j < s->nmems && !rc; j++) /* the pins memory read data drives */
            sy_mem_add_read_load(&s->mems[j].cost, &s->model.mem,
                                 bm[s->mems[j].mm - man->mods].mem_out_pin_pf);
    }
    for (int k = 0; k < s->nmods && !rc; k++) {
        modres *r = &s->mods[k];
        const hg_mmod *mm = r->mm;
        char *tp = sy_asprintf("%s/reports/sta/%s.timing.rpt", s->run, mm->name);
        r->leaf_cells = 0;
        const gatectx gc = {s->lib, &s->model.clk, s->model.clk_tree == 1, s->model.period_ns};
        rc = module_power(s->run, &s->list, r, s->mems, s->nmems, &bm[mm - man->mods], s->model.bnd_vdd, &gc,
                          err, errlen) != 0 ||
             timing_of(tp, s->model.period_ns, &r->tm, err, errlen) != 0;
        if (!rc && r->n_inst == 0) {
            snprintf(err, errlen, "module %s has no instance in %s/generated/instances.txt", mm->name,
                     s->run);
            rc = 1;
        }
        if (rc) fprintf(stderr, "hgsynth summary: %s: %s\n", mm->name, err);
        free(tp);
    }
    sy_bound_free(bm, man->nmods);
    free(bm);
    free(area);
    return rc ? -1 : 0;
}

/* Fmax: the slowest of the hierarchical top (paths across modules, memories cut) and every
   module on its own (which also times the paths that start at memory read data, cut in the
   top run). 0, or -1 with err when no report has a constrained path. */
static int timing_result(summary *s, char *err, size_t errlen)
{
    s->top = (timing){0};
    if (strcmp(var(&s->kv, "TOP_STA", "1"), "0") != 0) {
        char *ttp = sy_asprintf("%s/reports/sta/top.timing.rpt", s->run);
        int rc = timing_of(ttp, s->model.period_ns, &s->top, err, errlen);
        free(ttp);
        if (rc != 0) return -1;
    }
    s->fsrc = s->top.found ? "hierarchical top (memories cut)" : "per-module timing";
    s->crit_mod = s->man->top;
    for (int i = 0; i < s->nmods; i++)
        if (s->mods[i].tm.found && (!s->top.found || s->mods[i].tm.slack_ns < s->top.slack_ns)) {
            s->top = s->mods[i].tm;
            s->crit_mod = s->mods[i].mm->name;
            s->fsrc = "module on its own (inputs at the clock edge)";
        }
    if (!s->top.found) {
        snprintf(err, errlen, "no timing report of %s/reports/sta has a constrained path: no Fmax", s->run);
        return -1;
    }
    s->fmax = fmax_mhz(&s->top);
    return 0;
}

/* The activity window's cycles (the longest module count) and the queries in it
   (hg_phase.txt of the capture, when there is one). 0, or -1 with err. */
static int activity(summary *s, char *err, size_t errlen)
{
    for (int i = 0; i < s->nmods; i++)
        if (s->mods[i].counted > s->cycles) s->cycles = s->mods[i].counted;
    char *php = sy_asprintf("%s/hg_phase.txt", var(&s->kv, "CAPTURE_DIR", ""));
    int rc = access(php, F_OK) == 0 ? read_phase(php, &s->queries, &s->n_keys, err, errlen) : 0;
    free(php);
    s->by_window = s->queries > 0 && strcmp(var(&s->kv, "ACT_WINDOW", "query"), "query") == 0;
    return rc ? -1 : 0;
}

/* Adds area, power and leakage to the block called name. */
static void add_to_block(summary *s, const char *name, double area, double power, double leak)
{
    for (int b = 0; b < s->nblocks; b++)
        if (strcmp(s->blocks[b].name, name) == 0) {
            s->blocks[b].area += area;
            s->blocks[b].power += power;
            s->blocks[b].leak += leak;
        }
}

/* The cycles a memory's access counts span. */
static double mem_cycles(const summary *s, const memres *m)
{
    return m->cycles > 0 ? (double)m->cycles : (double)(s->cycles > 0 ? s->cycles : 1);
}

/* Power (W) of pj picojoules every cycle of the flow's clock. */
static double per_cycle_w(const summary *s, double pj) { return pj * 1e-12 / (s->model.period_ns * 1e-9); }

/* Blocks (the manifest's), logic and memory totals, energy per query. */
static void totals(summary *s)
{
    for (int b = 0; b < s->man->nblocks; b++)
        s->blocks[s->nblocks++] = (blockres){s->man->blocks[b], 0, 0, 0};
    for (int i = 0; i < s->nmods; i++) {
        const modres *r = &s->mods[i];
        add_to_block(s, r->mm->block, r->area_um2 * r->n_inst, r->power_w, r->leak_w);
        s->logic_area += r->area_um2 * r->n_inst;
        s->logic_p += r->power_w;
        s->bnd_pin_p += r->bpin_w;
        s->bnd_wire_p += r->bwire_w;
        s->logic_leak += r->leak_w;
        s->p0dyn += r->n_sim ? r->p0dyn_sum_w * r->n_with_cells / r->n_sim : 0;
        s->cells_total += (long)r->leaf_cells * r->n_with_cells;
        s->cells_cov += (long)r->leaf_cells * r->n_sim;
        s->inst_cells += r->n_with_cells;
        s->inst_sim += r->n_sim;
    }
    for (int j = 0; j < s->nmems; j++) {
        const memres *m = &s->mems[j];
        sy_mem_power mp = sy_mem_power_of(&m->cost, m->reads, m->writes, mem_cycles(s, m), s->model.period_ns,
                                          m->mm->instances);
        double area = m->cost.area_um2 * m->mm->instances;
        s->mem_area += area;
        s->mem_p += mp.dyn_w + mp.leak_w;
        s->mem_leak += mp.leak_w;
        sy_mem_cost bus = {.e_read_pj = m->cost.bus_read_pj, .e_write_pj = m->cost.bus_write_pj};
        sy_mem_cost pins = {.e_read_pj = m->cost.pins_read_pj};
        double cyc = mem_cycles(s, m);
        s->mem_bus_p +=
            sy_mem_power_of(&bus, m->reads, m->writes, cyc, s->model.period_ns, m->mm->instances).dyn_w;
        s->mem_pins_p +=
            sy_mem_power_of(&pins, m->reads, m->writes, cyc, s->model.period_ns, m->mm->instances).dyn_w;
        add_to_block(s, "memory", area, mp.dyn_w + mp.leak_w, mp.leak_w);
    }
    if (s->lib && s->model.clk_tree == 1) { /* the clock network over the whole core (logic, memories) */
        double flops = 0, pins = 0;
        for (int i = 0; i < s->nmods; i++) {
            flops += s->mods[i].flops * s->mods[i].n_inst;
            pins += s->mods[i].pins_pf * s->mods[i].n_inst;
        }
        s->clk = sy_clock_of(&s->model.clk, flops, pins, s->logic_area + s->mem_area);
        s->clk_w = per_cycle_w(s, s->clk.e_cycle_pj);
        s->blocks[s->nblocks++] = (blockres){"clock", 0, 0, 0};
        add_to_block(s, "clock", s->clk.buffer_area_um2, s->clk_w, 0);
        s->logic_area += s->clk.buffer_area_um2;
        s->logic_p += s->clk_w;
    }
    s->ii = s->man->ii_cycles > 0 ? s->man->ii_cycles : 1;
    s->cyc_per_q = sy_cycles_per_query(s->cycles, s->queries, s->by_window, s->ii);
    sy_energy_in in = {.logic_w = s->logic_p,
                       .logic_leak_w = s->logic_leak,
                       .mem_w = s->mem_p,
                       .mem_leak_w = s->mem_leak,
                       .period_ns = s->model.period_ns,
                       .fmax_mhz = s->fmax,
                       .cycles_per_query = s->cyc_per_q,
                       .node_nm = s->model.node_nm,
                       .node_vdd = s->model.node_vdd,
                       .node_cell_k = s->model.node_cell_k};
    s->en = sy_energy_of(&in);
    s->cg_measured = 1;
    for (int i = 0; i < s->nmods; i++) {
        const modres *r = &s->mods[i];
        if (r->n_sim > 0 && r->cg_unmeasured) s->cg_measured = 0;
        s->cg_flop_w += r->cg_flop_w;
        s->cg_pin_w += r->cg_pin_w;
        s->cg_icg_w += r->cg_icg_w;
        s->cg_icg += r->cg_icg;
        s->cg_gated += r->cg_gated;
        s->cg_en += r->cg_en;
        s->cg_chg += r->cg_chg;
        s->cg_flops += r->flops * r->n_inst;
    }
    s->cg_logic_w = s->logic_p - s->cg_flop_w - s->cg_pin_w + s->cg_icg_w;
    in.logic_w = s->cg_logic_w;
    s->cg_en_q = sy_energy_of(&in);
}

/* ---- summary.json ---- */

static void json_head(const summary *s, cJSON *root, const char *cfg)
{
    const hg_manifest *man = s->man;
    cJSON_AddStringToObject(root, "config", cfg);
    cJSON_AddStringToObject(root, "core", man->core);
    cJSON_AddStringToObject(root, "top", man->top);
    cJSON *params = cJSON_AddObjectToObject(root, "params");
    cJSON_AddNumberToObject(params, "d", man->d);
    cJSON_AddNumberToObject(params, "lanes", man->lanes);
    cJSON_AddNumberToObject(params, "top_n", man->top_n);
    cJSON_AddNumberToObject(params, "max_keys", man->max_keys);
    cJSON_AddNumberToObject(params, "ii_cycles", man->ii_cycles);
    if (man->selector[0]) cJSON_AddStringToObject(params, "selector", man->selector);
    if (man->sort_cut[0]) cJSON_AddStringToObject(params, "sort_cut", man->sort_cut);
    if (man->etab_shadow) cJSON_AddStringToObject(params, "etab_shadow", "on");
    if (strcmp(man->av_fan, "auto") != 0) cJSON_AddStringToObject(params, "av_fan", man->av_fan);
    cJSON_AddNumberToObject(params, "v_bits", man->v_bits);
    cJSON_AddNumberToObject(params, "load_width", man->load_width);
    cJSON *cmds = cJSON_AddObjectToObject(root, "commands");
    cJSON_AddStringToObject(cmds, "generate", man->command);
    char *cmdp = sy_asprintf("%s/log/command.txt", s->run), err[256];
    char *cmd = sy_read_file(cmdp, NULL, err, sizeof err); /* optional: "" when absent */
    if (cmd) {
        size_t n = strlen(cmd);
        while (n && (cmd[n - 1] == '\n')) cmd[--n] = '\0';
    }
    cJSON_AddStringToObject(cmds, "flow", cmd ? cmd : "");
    free(cmd);
    free(cmdp);
    cJSON_AddStringToObject(root, "liberty", var(&s->kv, "LIB", ""));
    /* the null perturbation of synthesis (flow.sh checked it: empty or 1..999999); 0 none */
    cJSON_AddNumberToObject(root, "syn_salt", atoi(var(&s->kv, "SYN_SALT", "")));
    addnum(root, "clock_period_ns", s->model.period_ns);
}

static void json_timing(const summary *s, cJSON *root)
{
    const timing *top = &s->top;
    cJSON *tj = cJSON_AddObjectToObject(root, "timing");
    addnum(tj, "fmax_mhz", s->fmax);
    cJSON_AddStringToObject(tj, "source", s->fsrc);
    cJSON_AddStringToObject(tj, "module", s->crit_mod);
    cJSON_AddStringToObject(tj, "startpoint", top->start);
    cJSON_AddStringToObject(tj, "endpoint", top->end);
    addnum(tj, "critical_path_ns", top->period_ns - top->slack_ns);
    if (top->ws_pin[0]) {
        cJSON *ws = cJSON_AddObjectToObject(tj, "worst_stage");
        cJSON_AddStringToObject(ws, "pin", top->ws_pin);
        cJSON_AddStringToObject(ws, "cell", top->ws_cell);
        addnum(ws, "delay_ns", top->ws_delay_ns);
        addnum(ws, "load_pf", top->ws_load_pf);
    }
}

static void json_modules(const summary *s, cJSON *root)
{
    cJSON *jm = cJSON_AddArrayToObject(root, "modules");
    for (int i = 0; i < s->nmods; i++) {
        const modres *r = &s->mods[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", r->mm->name);
        cJSON_AddStringToObject(o, "block", r->mm->block);
        cJSON_AddNumberToObject(o, "instances", r->n_inst);
        cJSON_AddNumberToObject(o, "cells", r->leaf_cells);
        addnum(o, "area_um2", r->area_um2);
        addnum(o, "area_total_um2", r->area_um2 * r->n_inst);
        addnum(o, "fmax_mhz", fmax_mhz(&r->tm));
        addnum(o, "power_uw", r->power_w * 1e6);
        addnum(o, "leakage_uw", r->leak_w * 1e6);
        cJSON_AddNumberToObject(o, "simulated_instances", r->n_sim);
        addnum(o, "mean_output_activity", r->n_sim ? r->act_sum / r->n_sim : 0);
        cJSON_AddItemToArray(jm, o);
    }
    cJSON *jb = cJSON_AddObjectToObject(root, "blocks");
    for (int b = 0; b < s->nblocks; b++) {
        cJSON *o = cJSON_AddObjectToObject(jb, s->blocks[b].name);
        addnum(o, "area_um2", s->blocks[b].area);
        addnum(o, "power_uw", s->blocks[b].power * 1e6);
        addnum(o, "leakage_uw", s->blocks[b].leak * 1e6);
    }
}

static void json_memories(const summary *s, cJSON *root)
{
    cJSON *jmem = cJSON_AddArrayToObject(root, "memories");
    for (int j = 0; j < s->nmems; j++) {
        const memres *m = &s->mems[j];
        double cyc = mem_cycles(s, m);
        sy_mem_power mp =
            sy_mem_power_of(&m->cost, m->reads, m->writes, cyc, s->model.period_ns, m->mm->instances);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", m->mm->name);
        cJSON_AddNumberToObject(o, "instances", m->mm->instances);
        cJSON_AddNumberToObject(o, "words", (double)m->mm->words);
        cJSON_AddNumberToObject(o, "width", (double)m->mm->width);
        cJSON_AddNumberToObject(o, "write_bits", (double)m->write_bits);
        addnum(o, "bits", m->cost.bits);
        addnum(o, "area_um2", m->cost.area_um2);
        addnum(o, "e_read_pj", m->cost.e_read_pj);
        addnum(o, "e_write_pj", m->cost.e_write_pj);
        addnum(o, "macros", m->cost.macros);
        addnum(o, "banks", m->cost.banks);
        addnum(o, "bus_mm", m->cost.bus_mm);
        addnum(o, "e_read_bus_pj", m->cost.bus_read_pj);
        addnum(o, "e_write_bus_pj", m->cost.bus_write_pj);
        addnum(o, "e_read_pins_pj", m->cost.pins_read_pj);
        addnum(o, "reads", m->reads);
        addnum(o, "writes", m->writes);
        addnum(o, "reads_per_cycle", m->reads / cyc);
        addnum(o, "writes_per_cycle", m->writes / cyc);
        addnum(o, "leakage_uw", m->cost.leak_uw * m->mm->instances);
        addnum(o, "power_uw", (mp.dyn_w + mp.leak_w) * 1e6);
        cJSON_AddItemToArray(jmem, o);
    }
}

/* The clock-gating estimate (docs/synth.md, "Clock gating"): beside, not in, every other
   figure, which are those of the core as generated (no clock gates). */
static void json_gating(const summary *s, cJSON *root)
{
    cJSON *cg = cJSON_AddObjectToObject(root, "clock_gating");
    cJSON_AddBoolToObject(cg, "measured", s->cg_measured);
    if (!s->cg_measured) {
        cJSON_AddStringToObject(cg, "why", "a gate-level simulator without gate counts (GL_SIM=timed)");
        return;
    }
    const sy_clock_params *c = &s->model.clk;
    cJSON_AddStringToObject(
        cg, "model",
        "a gate per register and load enable of CLK_GATE_MIN or more flip-flops, its clock "
        "running in the cycles after one with the enable on");
    addnum(cg, "min_flops", c->gate_min);
    addnum(cg, "gates", s->cg_icg);
    addnum(cg, "flops", s->cg_flops);
    addnum(cg, "flops_gated", s->cg_gated);
    addnum(cg, "enable_rate", s->cg_gated > 0 ? s->cg_en / s->cg_gated : 0);
    /* the share of cycles a gated flop's register changed: what an ideal gate would pass */
    addnum(cg, "change_rate", s->cg_gated > 0 ? s->cg_chg / s->cg_gated : 0);
    addnum(cg, "flop_clock_saved_uw", s->cg_flop_w * 1e6);
    addnum(cg, "clock_pins_saved_uw", s->cg_pin_w * 1e6);
    addnum(cg, "gates_uw", s->cg_icg_w * 1e6);
    addnum(cg, "gates_area_um2", s->cg_icg * c->icg_area_um2);
    addnum(cg, "logic_power_uw", s->cg_logic_w * 1e6);
    addnum(cg, "power_uw", (s->cg_logic_w + s->mem_p) * 1e6);
    /* the whole activity window (a K/V load run's figure) */
    addnum(cg, "window_nj", (s->cg_logic_w + s->mem_p) * (double)s->cycles * s->model.period_ns);
    addnum(cg, "per_query_nj", s->cg_en_q.per_query_j * 1e9);
    addnum(cg, "per_query_logic_nj", s->cg_en_q.logic_j * 1e9);
    addnum(cg, "per_query_at_fmax_nj", s->cg_en_q.per_query_at_fmax_j * 1e9);
    addnum(cg, "per_query_node_nj", s->cg_en_q.per_query_j * s->cg_en_q.node_scale * 1e9);
}

static void json_totals(const summary *s, cJSON *root)
{
    double t = s->model.period_ns * 1e-9;
    cJSON *tot = cJSON_AddObjectToObject(root, "totals");
    addnum(tot, "logic_area_um2", s->logic_area);
    addnum(tot, "memory_area_um2", s->mem_area);
    addnum(tot, "area_um2", s->logic_area + s->mem_area);
    addnum(tot, "logic_power_uw", s->logic_p * 1e6);
    addnum(tot, "memory_power_uw", s->mem_p * 1e6);
    addnum(tot, "power_uw", (s->logic_p + s->mem_p) * 1e6);
    addnum(tot, "logic_leakage_uw", s->logic_leak * 1e6);
    addnum(tot, "logic_clock_uw", s->p0dyn * 1e6);
    addnum(tot, "clock_network_uw", s->clk_w * 1e6);
    addnum(tot, "boundary_pins_uw", s->bnd_pin_p * 1e6);
    addnum(tot, "boundary_wire_uw", s->bnd_wire_p * 1e6);
    cJSON *ck = cJSON_AddObjectToObject(root, "clock_network");
    cJSON_AddStringToObject(
        ck, "model", s->model.clk_tree == 1 ? "analytic tree (docs/synth.md)" : "not counted (CLK_TREE=0)");
    addnum(ck, "flops", s->clk.flops);
    addnum(ck, "pins_pf", s->clk.pins_pf);
    addnum(ck, "area_mm2", s->clk.area_mm2);
    addnum(ck, "wire_mm", s->clk.wire_mm);
    addnum(ck, "wire_pf", s->clk.wire_pf);
    addnum(ck, "buffers", s->clk.buffers);
    addnum(ck, "buffers_pf", s->clk.buffers_pf);
    addnum(ck, "energy_per_cycle_pj", s->clk.e_cycle_pj);
    addnum(ck, "power_uw", s->clk_w * 1e6);
    addnum(ck, "power_low_uw", per_cycle_w(s, s->clk.e_cycle_low_pj) * 1e6);
    addnum(ck, "power_high_uw", per_cycle_w(s, s->clk.e_cycle_high_pj) * 1e6);
    addnum(tot, "power_at_fmax_uw", s->en.power_at_fmax_w * 1e6);
    json_gating(s, root);
    cJSON *act = cJSON_AddObjectToObject(root, "activity");
    cJSON_AddStringToObject(act, "window", var(&s->kv, "ACT_WINDOW", ""));
    cJSON_AddNumberToObject(act, "cycles", (double)s->cycles);
    cJSON_AddNumberToObject(act, "queries", s->queries);
    if (s->n_keys > 0) cJSON_AddNumberToObject(act, "n_keys", s->n_keys);
    addnum(act, "cycles_per_query", s->cyc_per_q);
    addnum(act, "coverage_cells", s->cells_total ? (double)s->cells_cov / (double)s->cells_total : 1);
    addnum(act, "coverage_instances", s->inst_cells ? (double)s->inst_sim / (double)s->inst_cells : 1);
    cJSON_AddNumberToObject(act, "simulated_instances", (double)s->inst_sim);
    cJSON_AddNumberToObject(act, "instances_with_cells", (double)s->inst_cells);
    cJSON_AddStringToObject(act, "source", var(&s->kv, "CAPTURE_CMD", ""));
    cJSON_AddStringToObject(act, "gate_level_check", "pass");
    cJSON_AddStringToObject(act, "gate_level_sim", var(&s->kv, "GL_SIM", "builtin"));
    cJSON *thr = cJSON_AddObjectToObject(root, "throughput");
    addnum(thr, "ii_cycles", s->ii);
    addnum(thr, "queries_per_cycle", 1.0 / s->ii);
    addnum(thr, "queries_per_s_at_fmax", s->fmax * 1e6 / s->ii);
    addnum(thr, "queries_per_s_at_clock", 1.0 / (t * s->ii));
    addnum(thr, "measured_cycles_per_query", s->queries > 0 ? (double)s->cycles / s->queries : 0);
}

static void json_energy(const summary *s, cJSON *root)
{
    const sy_energy *e = &s->en;
    double eq = e->per_query_j;
    cJSON *en = cJSON_AddObjectToObject(root, "energy");
    cJSON_AddStringToObject(en, "basis",
                            s->by_window ? "energy of the activity window / queries in it"
                                         : "average power x ii_cycles x clock period");
    addnum(en, "per_query_nj", eq * 1e9);
    addnum(en, "per_query_logic_nj", e->logic_j * 1e9);
    addnum(en, "per_query_memory_nj", e->mem_j * 1e9);
    /* the whole activity window: what a window without queries (a K/V load) costs */
    addnum(en, "window_nj", (s->logic_p + s->mem_p) * (double)s->cycles * s->model.period_ns);
    addnum(en, "per_query_boundary_pins_nj", s->bnd_pin_p * s->cyc_per_q * s->model.period_ns);
    addnum(en, "per_query_boundary_wire_nj", s->bnd_wire_p * s->cyc_per_q * s->model.period_ns);
    addnum(en, "per_query_memory_pins_nj", s->mem_pins_p * s->cyc_per_q * s->model.period_ns);
    addnum(en, "per_query_memory_bus_nj", s->mem_bus_p * s->cyc_per_q * s->model.period_ns); /* W ns = nJ */
    addnum(en, "per_query_at_fmax_nj", e->per_query_at_fmax_j * 1e9);
    addnum(en, "queries_per_mj", eq > 0 ? 1e-3 / eq : 0);
    addnum(en, "node_scale", e->node_scale);
    addnum(en, "node_ref_nm", s->model.node_nm);
    addnum(en, "node_ref_vdd", s->model.node_vdd);
    addnum(en, "node_cell_k", s->model.node_cell_k);
    addnum(en, "per_query_node_nj", eq * e->node_scale * 1e9);
    addnum(en, "queries_per_mj_node", eq > 0 ? 1e-3 / (eq * e->node_scale) : 0);
}

/* Writes summary.json (nothing when a value is not finite) and the one-line result. 0, or 2
   after a message. */
static int emit(summary *s)
{
    const hg_manifest *man = s->man;
    char *cfg = sy_asprintf("%s-d%d-p%d-n%d-l%d", man->core, (int)man->d, (int)man->lanes, (int)man->top_n,
                            (int)man->max_keys);
    cJSON *root = cJSON_CreateObject();
    json_head(s, root, cfg);
    json_timing(s, root);
    json_modules(s, root);
    json_memories(s, root);
    json_totals(s, root);
    json_energy(s, root);
    char *text = cJSON_Print(root), err[1024];
    int rc = 0;
    if (nonfinite_key) {
        fprintf(stderr,
                "hgsynth summary: %s would not be a finite number (flow variables or reports of %s out of "
                "range): nothing written\n",
                nonfinite_key, s->run);
        rc = 2;
    } else {
        fputs(text, s->jout.f);
        if (sy_out_commit(&s->jout, err, sizeof err) != 0) {
            fprintf(stderr, "hgsynth summary: %s\n", err);
            rc = 2;
        }
    }
    const timing *top = &s->top;
    if (!rc)
        printf("%s: area %.0f um2 logic + %.0f um2 memories; Fmax %.1f MHz; power %.1f uW logic + %.1f uW "
               "memories at %.0f MHz; %.3f nJ/query; activity on %.1f%% of cells\n",
               cfg, s->logic_area, s->mem_area, s->fmax, s->logic_p * 1e6, s->mem_p * 1e6,
               1000.0 / s->model.period_ns, s->en.per_query_j * 1e9,
               s->cells_total ? 100.0 * (double)s->cells_cov / (double)s->cells_total : 100.0);
    if (!rc && top->ws_pin[0])
        printf("  critical path %s -> %s, %.2f ns; slowest stage %s (%s): %.2f ns into %.3f pF\n", top->start,
               top->end, top->period_ns - top->slack_ns, top->ws_pin, top->ws_cell, top->ws_delay_ns,
               top->ws_load_pf);
    free(text);
    free(cfg);
    cJSON_Delete(root);
    return rc;
}

static void summary_free(summary *s)
{
    sy_out_abort(&s->jout);
    sy_list_free(&s->list);
    free(s->mods);
    free(s->mems);
    for (int i = 0; i < s->kv.n; i++) {
        free(s->kv.k[i]);
        free(s->kv.v[i]);
    }
    free(s->kv.k);
    free(s->kv.v);
    hg_manifest_free(s->man);
    if (s->lib) sy_lib_free(s->lib);
}

int sy_cmd_summary(int argc, char **argv)
{
    const char *rtl = NULL, *run = NULL, *out = NULL;
    const sy_opt opts[] = {
        {"--rtl", &rtl, 1, 0, "generated RTL directory of the run"},
        {"--run", &run, 1, 0, "run directory of synth/flow.sh"},
        {"--out", &out, 1, 0, "summary JSON to write"},
    };
    int rc = sy_parse_opts("summary", "reduce one flow run to area, Fmax, power, energy per query", argc,
                           argv, opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    char err[1024];
    summary s = {.run = run};
    if (load(&s, rtl, out, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth summary: %s\n", err);
        rc = 2;
    } else if (module_results(&s, err, sizeof err) != 0) {
        rc = 2; /* the module was named */
    } else if (timing_result(&s, err, sizeof err) != 0 || activity(&s, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth summary: %s\n", err);
        rc = 2;
    } else {
        totals(&s);
        rc = emit(&s);
    }
    summary_free(&s);
    return rc;
}
