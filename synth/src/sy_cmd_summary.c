/* sy_cmd_summary.c — `hgsynth summary`: one run of synth/flow.sh reduced to numbers.
 *
 * Reads the run directory (flow variables, area reports, OpenSTA timing and per-instance
 * power tables, gate-level maps and toggle counts, the instance list) and writes
 * summary.json (+ summary.md beside it):
 *   - area per module and block (module area x instances), memories from sy_mem;
 *   - Fmax from the hierarchical top (or the slowest module);
 *   - power per instance P = sum_cells [P0 + a (P1 - P0)], a = simulated toggles per
 *     cycle of the cell's output, per block; memory power from simulated accesses;
 *   - throughput and energy per query, node-normalised.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_cmd.h"
#include "sy_manifest.h"
#include "sy_mem.h"
#include "sy_util.h"

/* ------------------------------------------------------------------------------------ */
/* Small text readers                                                                     */

typedef struct {
    char **k, **v;
    int n;
} kvlist;

/* Reads "NAME = value" lines (log/flow_vars.txt). */
static int read_vars(const char *path, kvlist *kv)
{
    char *text = sy_read_file(path, NULL);
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

static double var_num(const kvlist *kv, const char *name, double dflt)
{
    const char *s = var(kv, name, NULL);
    return s && *s ? atof(s) : dflt;
}

static double area_of(const char *path, const char *module)
{
    char *text = sy_read_file(path, NULL);
    if (!text) return -1;
    double a = 0; /* a module of submodules only has no "Chip area" line */
    char *key = sy_asprintf("Chip area for module '\\%s': ", module);
    char *p = strstr(text, key);
    if (p) a = atof(p + strlen(key));
    free(key);
    free(text);
    return a;
}

typedef struct {
    int found;          /* a constrained path exists */
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
        if (sscanf(p, " %lf %lf %lf %lf %c %255s (%63[^)])", &cap, &slew, &delay, &at, &edge, pin, cell) == 7 &&
            (edge == '^' || edge == 'v') && delay > t->ws_delay_ns) {
            t->ws_delay_ns = delay;
            t->ws_load_pf = cap;
            snprintf(t->ws_pin, sizeof t->ws_pin, "%s", pin);
            snprintf(t->ws_cell, sizeof t->ws_cell, "%s", cell);
        }
        p = strchr(p, '\n');
        if (p) p++;
    }
}

/* First (max-delay) path of an OpenSTA report_checks. */
static timing timing_of(const char *path, double period)
{
    timing t = {0};
    t.period_ns = period;
    char *text = sy_read_file(path, NULL);
    if (!text) return t;
    char *sp = strstr(text, "Startpoint: "), *ep = strstr(text, "Endpoint: "), *sl = strstr(text, " slack (");
    if (sp && ep && sl) {
        sscanf(sp + 12, "%255s", t.start);
        sscanf(ep + 10, "%255s", t.end);
        char *b = sl;
        while (b > text && b[-1] == ' ') b--;
        while (b > text && b[-1] != ' ' && b[-1] != '\n') b--;
        t.slack_ns = atof(b);
        t.found = 1;
        char *arr = strstr(ep, "data arrival time");
        worst_stage(&t, ep, arr ? arr : sl);
    }
    free(text);
    return t;
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
    double p0, p1, leak;   /* W */
    int nout;
    double toggles;        /* scratch: per instance */
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
    return bsearch(&key, t->c, (size_t)t->n, sizeof *t->c, pcell_cmp);
}

/* Reads report_power -instances lines "internal switching leakage total name". */
static int read_power(const char *path, ptable *t, int which)
{
    char *text = sy_read_file(path, NULL);
    if (!text) return -1;
    int cap = t->n;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        double in, sw, lk, tot;
        char name[1024];
        if (sscanf(line, "%lf %lf %lf %lf %1023s", &in, &sw, &lk, &tot, name) != 5) continue;
        for (char *s = name, *d = name;; s++) { /* OpenSTA escapes [ ] with backslashes */
            if (*s != '\\') *d++ = *s;
            if (!*s) break;
        }
        if (which == 0) {
            if (t->n == cap) {
                cap = cap ? 2 * cap : 1024;
                t->c = sy_xrealloc(t->c, (size_t)cap * sizeof *t->c);
            }
            t->c[t->n++] = (pcell){.name = sy_strdup(name), .p0 = tot, .leak = lk};
        } else {
            pcell *c = ptable_find(t, name);
            if (c) c->p1 = tot;
        }
    }
    free(text);
    if (which == 0) qsort(t->c, (size_t)t->n, sizeof *t->c, pcell_cmp);
    return 0;
}

static void ptable_free(ptable *t)
{
    for (int i = 0; i < t->n; i++) free(t->c[i].name);
    free(t->c);
}

/* ------------------------------------------------------------------------------------ */
/* Gate-level maps and toggle files                                                       */

typedef struct {
    char *inst, *type, *kind;   /* memory instance, module, "r"/"w" */
} memref;

typedef struct {
    int ntog;
    pcell **tog_cell;    /* per toggle net: its cell in the power table (NULL: not found) */
    int nmem;
    memref *mem;
} glmap;

static int read_map(const char *path, ptable *t, glmap *m, char *err, size_t errlen)
{
    char *text = sy_read_file(path, NULL);
    if (!text) {
        snprintf(err, errlen, "cannot read %s", path);
        return -1;
    }
    int nin, nout, ntog = 0, nacc;
    char *w = strstr(text, "widths ");
    if (w) sscanf(w, "widths %d %d %d %d", &nin, &nout, &ntog, &nacc);
    m->ntog = ntog;
    m->tog_cell = sy_xcalloc((size_t)(ntog ? ntog : 1), sizeof *m->tog_cell);
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        int idx;
        char a[1024], b[256], c[1024], d[256], e[256];
        if (sscanf(line, "tog %d %1023s %255s", &idx, a, b) == 3 && idx >= 0 && idx < ntog) {
            pcell *pc = ptable_find(t, a);
            m->tog_cell[idx] = pc;
            if (pc) pc->nout++;
        } else if (sscanf(line, "mem %d %1023s %1023s %255s %255s", &idx, a, c, d, e) == 5) {
            m->mem = sy_xrealloc(m->mem, (size_t)(m->nmem + 1) * sizeof *m->mem);
            m->mem[m->nmem++] = (memref){sy_strdup(a), sy_strdup(c), sy_strdup(d)};
        }
    }
    free(text);
    return 0;
}

static void glmap_free(glmap *m)
{
    for (int i = 0; i < m->nmem; i++) {
        free(m->mem[i].inst);
        free(m->mem[i].type);
        free(m->mem[i].kind);
    }
    free(m->mem);
    free(m->tog_cell);
}

typedef struct {
    long cycles, counted, mismatches;
    int nmem;
    char **mem_inst, **mem_kind;
    double *mem_count;
    int ntog;
    double *tog;
} togfile;

static int read_tog(const char *path, togfile *t)
{
    memset(t, 0, sizeof *t);
    char *text = sy_read_file(path, NULL);
    if (!text) return -1;
    int in_counts = 0, k = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char a[1024], b[64];
        double n;
        if (in_counts) {
            if (k < t->ntog) t->tog[k++] = atof(line);
        } else if (sscanf(line, "cycles %ld", &t->cycles) == 1 || sscanf(line, "counted %ld", &t->counted) == 1 ||
                   sscanf(line, "mismatches %ld", &t->mismatches) == 1) {
        } else if (sscanf(line, "mem %1023s %63s %lf", a, b, &n) == 3) {
            t->mem_inst = sy_xrealloc(t->mem_inst, (size_t)(t->nmem + 1) * sizeof(char *));
            t->mem_kind = sy_xrealloc(t->mem_kind, (size_t)(t->nmem + 1) * sizeof(char *));
            t->mem_count = sy_xrealloc(t->mem_count, (size_t)(t->nmem + 1) * sizeof(double));
            t->mem_inst[t->nmem] = sy_strdup(a);
            t->mem_kind[t->nmem] = sy_strdup(b);
            t->mem_count[t->nmem++] = n;
        } else if (sscanf(line, "toggles %d", &t->ntog) == 1) {
            t->tog = sy_xcalloc((size_t)(t->ntog ? t->ntog : 1), sizeof *t->tog);
            in_counts = 1;
        }
    }
    free(text);
    return 0;
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
}

/* ------------------------------------------------------------------------------------ */
/* Per-module results                                                                     */

typedef struct {
    const sy_mmod *mm;
    double area_um2;      /* one instance */
    int leaf_cells;
    timing tm;
    int n_inst, n_sim, n_with_cells;
    double p_sum_w;       /* sum over simulated instances */
    double leak_sum_w, p0dyn_sum_w;
    double act_sum;       /* mean output activity, summed over simulated instances */
    double power_w;       /* all instances */
    double leak_w;
    long counted;         /* activity cycles (max over its instances) */
} modres;

typedef struct {
    const sy_mmod *mm;
    double reads, writes;
    long cycles;
    sy_mem_cost cost;
    long write_bits;
} memres;

static int port_w(const sy_mmod *m, const char *needle, sy_dir dir)
{
    for (int i = 0; i < m->nports; i++)
        if (m->ports[i].dir == dir && strstr(m->ports[i].name, needle)) return m->ports[i].width;
    return 0;
}

/* Simulated power of every instance of one module. */
static int module_power(const char *run, modres *r, memres *mems, int nmems, const sy_manifest *man,
                        char *err, size_t errlen)
{
    const char *name = r->mm->name;
    char *p0 = sy_asprintf("%s/reports/sta/%s.power0.rpt", run, name);
    char *p1 = sy_asprintf("%s/reports/sta/%s.power1.rpt", run, name);
    char *mp = sy_asprintf("%s/generated/gl/%s/map.txt", run, name);
    char *il = sy_asprintf("%s/generated/instances.txt", run);
    ptable t = {0};
    glmap map = {0};
    int rc = 0;
    char *list = NULL;
    if (read_power(p0, &t, 0) != 0 || read_power(p1, &t, 1) != 0) {
        snprintf(err, errlen, "cannot read the power tables %s / %s", p0, p1);
        rc = -1;
        goto done;
    }
    list = sy_read_file(il, NULL);
    if (!list) {
        snprintf(err, errlen, "cannot read %s", il);
        rc = -1;
        goto done;
    }
    int have_map = 0;
    for (char *save = NULL, *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char mod[512], base[4096];
        int sim, cells;
        if (sscanf(line, "%511s %d %d %4095s", mod, &sim, &cells, base) != 4 || strcmp(mod, name) != 0) continue;
        r->n_inst++;
        r->leaf_cells = cells;
        if (cells > 0) r->n_with_cells++;
        if (!sim) continue;
        if (!have_map) {
            if (read_map(mp, &t, &map, err, errlen) != 0) { rc = -1; goto done; }
            have_map = 1;
        }
        const char *bn = strrchr(base, '/');
        char *tp = sy_asprintf("%s/reports/toggles/%s.tog", run, bn ? bn + 1 : base);
        togfile tf;
        if (read_tog(tp, &tf) != 0 || tf.ntog != map.ntog) {
            snprintf(err, errlen, "toggle file %s missing or not from this netlist", tp);
            free(tp);
            rc = -1;
            goto done;
        }
        free(tp);
        double cyc = tf.counted > 0 ? (double)tf.counted : 1.0;
        if (tf.counted > r->counted) r->counted = tf.counted;
        for (int c = 0; c < t.n; c++) t.c[c].toggles = 0;
        double act = 0;
        for (int k = 0; k < map.ntog; k++)
            if (map.tog_cell[k]) map.tog_cell[k]->toggles += tf.tog[k];
        double p = 0, leak = 0, p0dyn = 0;
        int ncell = 0;
        for (int c = 0; c < t.n; c++) {
            pcell *pc = &t.c[c];
            if (pc->nout == 0) continue; /* black-box submodule or memory */
            double a = pc->toggles / pc->nout / cyc;
            p += pc->p0 + a * (pc->p1 - pc->p0);
            leak += pc->leak;
            p0dyn += pc->p0 - pc->leak;
            act += a;
            ncell++;
        }
        r->p_sum_w += p;
        r->leak_sum_w += leak;
        r->p0dyn_sum_w += p0dyn;
        r->act_sum += ncell ? act / ncell : 0;
        r->n_sim++;
        for (int k = 0; k < tf.nmem; k++) {
            const char *type = NULL;
            for (int j = 0; j < map.nmem; j++)
                if (strcmp(map.mem[j].inst, tf.mem_inst[k]) == 0) type = map.mem[j].type;
            for (int j = 0; type && j < nmems; j++) {
                if (strcmp(mems[j].mm->name, type) != 0) continue;
                if (tf.mem_kind[k][0] == 'r') mems[j].reads += tf.mem_count[k];
                else mems[j].writes += tf.mem_count[k];
                if (tf.counted > mems[j].cycles) mems[j].cycles = tf.counted;
            }
        }
        tog_free(&tf);
    }
    (void)man;
    /* instances not simulated (sampling) take the mean of the simulated ones */
    if (r->n_sim > 0) {
        double scale = (double)r->n_with_cells / r->n_sim;
        r->power_w = r->p_sum_w * scale;
        r->leak_w = r->leak_sum_w * scale;
    }
done:
    free(list);
    glmap_free(&map);
    ptable_free(&t);
    free(p0);
    free(p1);
    free(mp);
    free(il);
    return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Output                                                                                 */

static cJSON *num(double v) { return cJSON_CreateNumber(isfinite(v) ? v : 0.0); }

typedef struct {
    const char *name;
    double area, power, leak;
} blockres;

int sy_cmd_summary(int argc, char **argv)
{
    const char *rtl = NULL, *run = NULL, *out = NULL;
    const sy_opt opts[] = {
        {"--rtl", &rtl, 1, 0, "generated RTL directory of the run"},
        {"--run", &run, 1, 0, "run directory of synth/flow.sh"},
        {"--out", &out, 1, 0, "summary JSON to write (a .md is written beside it)"},
    };
    int rc = sy_parse_opts("summary", "reduce one flow run to area, Fmax, power, energy per query", argc,
                           argv, opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    char err[1024];
    sy_manifest *man = sy_manifest_read(rtl, err, sizeof err);
    if (!man) {
        fprintf(stderr, "hgsynth summary: %s\n", err);
        return 2;
    }
    kvlist kv = {0};
    char *vp = sy_asprintf("%s/log/flow_vars.txt", run);
    if (read_vars(vp, &kv) != 0) {
        fprintf(stderr, "hgsynth summary: cannot read %s (not a flow run directory?)\n", vp);
        free(vp);
        sy_manifest_free(man);
        return 2;
    }
    free(vp);
    double period = var_num(&kv, "CLK_PERIOD_NS", 10);
    sy_mem_params mp;
    sy_mem_defaults(&mp);
    mp.feature_nm = var_num(&kv, "MEM_FEATURE_NM", mp.feature_nm);
    mp.bitcell_f2 = var_num(&kv, "MEM_BITCELL_F2", mp.bitcell_f2);
    mp.port_factor = var_num(&kv, "MEM_PORT_FACTOR", mp.port_factor);
    mp.array_eff = var_num(&kv, "MEM_ARRAY_EFF", mp.array_eff);
    mp.vdd = var_num(&kv, "MEM_VDD", mp.vdd);
    mp.cbl_ff = var_num(&kv, "MEM_CBL_FF", mp.cbl_ff);
    mp.cwl_ff = var_num(&kv, "MEM_CWL_FF", mp.cwl_ff);
    mp.read_swing = var_num(&kv, "MEM_READ_SWING", mp.read_swing);
    mp.sa_fj = var_num(&kv, "MEM_SA_FJ", mp.sa_fj);
    mp.dec_fj = var_num(&kv, "MEM_DEC_FJ", mp.dec_fj);
    mp.leak_pa = var_num(&kv, "MEM_LEAK_PA", mp.leak_pa);
    double node_nm = var_num(&kv, "NODE_REF_NM", 65), node_vdd = var_num(&kv, "NODE_REF_VDD", 1.0);

    modres *mods = sy_xcalloc((size_t)man->nmods, sizeof *mods);
    memres *mems = sy_xcalloc((size_t)man->nmods, sizeof *mems);
    int nmods = 0, nmems = 0;
    for (int i = 0; i < man->nmods; i++) {
        const sy_mmod *mm = &man->mods[i];
        if (mm->is_memory) {
            long wb = port_w(mm, "wdata", SY_DIR_IN);
            mems[nmems] = (memres){.mm = mm, .write_bits = wb > 0 ? wb : mm->width};
            mems[nmems].cost = sy_mem_cost_of(&mp, mm->words, mm->width, mems[nmems].write_bits,
                                              mm->read_ports, mm->write_ports);
            nmems++;
        }
    }
    rc = 0;
    for (int i = 0; i < man->nmods && !rc; i++) {
        const sy_mmod *mm = &man->mods[i];
        if (mm->is_memory) continue;
        modres *r = &mods[nmods++];
        r->mm = mm;
        char *ap = sy_asprintf("%s/reports/area/%s.rpt", run, mm->name);
        char *tp = sy_asprintf("%s/reports/sta/%s.timing.rpt", run, mm->name);
        r->area_um2 = area_of(ap, mm->name);
        r->tm = timing_of(tp, period);
        free(ap);
        free(tp);
        if (r->area_um2 < 0) {
            fprintf(stderr, "hgsynth summary: no area for %s in %s/reports/area\n", mm->name, run);
            rc = 2;
        } else if (module_power(run, r, mems, nmems, man, err, sizeof err) != 0) {
            fprintf(stderr, "hgsynth summary: %s: %s\n", mm->name, err);
            rc = 2;
        }
    }
    if (rc) goto out;

    /* timing: the slowest of the hierarchical top (paths across modules, memories cut)
     * and every module on its own (which also times the paths that start at memory read
     * data, cut in the top run) */
    char *ttp = sy_asprintf("%s/reports/sta/top.timing.rpt", run);
    timing top = timing_of(ttp, period);
    free(ttp);
    const char *fsrc = top.found ? "hierarchical top (memories cut)" : "per-module timing";
    const char *crit_mod = man->top;
    for (int i = 0; i < nmods; i++)
        if (mods[i].tm.found && (!top.found || mods[i].tm.slack_ns < top.slack_ns)) {
            top = mods[i].tm;
            crit_mod = mods[i].mm->name;
            fsrc = "module on its own (inputs at the clock edge)";
        }
    double fmax = fmax_mhz(&top);

    /* activity window and queries */
    long cycles = 0;
    for (int i = 0; i < nmods; i++)
        if (mods[i].counted > cycles) cycles = mods[i].counted;
    const char *capdir = var(&kv, "CAPTURE_DIR", "");
    char *php = sy_asprintf("%s/hg_phase.txt", capdir);
    char *ph = sy_read_file(php, NULL);
    free(php);
    double queries = 0;
    if (ph) {
        char *q = strstr(ph, "queries ");
        if (q) queries = atof(q + 8);
        free(ph);
    }
    int by_window = queries > 0 && strcmp(var(&kv, "ACT_WINDOW", "query"), "query") == 0;

    /* blocks */
    blockres blocks[16];
    int nblocks = 0;
    for (int b = 0; sy_blocks[b]; b++) blocks[nblocks++] = (blockres){sy_blocks[b], 0, 0, 0};
    double logic_area = 0, logic_p = 0, logic_leak = 0, p0dyn = 0;
    long cells_total = 0, cells_cov = 0, inst_cells = 0, inst_sim = 0;
    for (int i = 0; i < nmods; i++) {
        modres *r = &mods[i];
        for (int b = 0; b < nblocks; b++)
            if (strcmp(blocks[b].name, r->mm->block) == 0) {
                blocks[b].area += r->area_um2 * r->n_inst;
                blocks[b].power += r->power_w;
                blocks[b].leak += r->leak_w;
            }
        logic_area += r->area_um2 * r->n_inst;
        logic_p += r->power_w;
        logic_leak += r->leak_w;
        p0dyn += r->n_sim ? r->p0dyn_sum_w * r->n_with_cells / r->n_sim : 0;
        cells_total += (long)r->leaf_cells * r->n_with_cells;
        cells_cov += (long)r->leaf_cells * r->n_sim;
        inst_cells += r->n_with_cells;
        inst_sim += r->n_sim;
    }
    double mem_area = 0, mem_p = 0, mem_leak = 0;
    double T = period * 1e-9;
    for (int j = 0; j < nmems; j++) {
        memres *m = &mems[j];
        double cyc = m->cycles > 0 ? (double)m->cycles : (double)(cycles > 0 ? cycles : 1);
        double dyn = (m->reads * m->cost.e_read_pj + m->writes * m->cost.e_write_pj) * 1e-12 / (cyc * T);
        double leak = m->cost.leak_uw * 1e-6 * m->mm->instances;
        mem_area += m->cost.area_um2 * m->mm->instances;
        mem_p += dyn + leak;
        mem_leak += leak;
        for (int b = 0; b < nblocks; b++)
            if (strcmp(blocks[b].name, "memory") == 0) {
                blocks[b].area += m->cost.area_um2 * m->mm->instances;
                blocks[b].power += dyn + leak;
                blocks[b].leak += leak;
            }
    }
    double total_p = logic_p + mem_p;
    double ii = man->ii_cycles > 0 ? man->ii_cycles : 1;
    double cyc_per_q = by_window ? (double)cycles / queries : ii;
    /* energy per query at the flow clock: dynamic energy per cycle does not depend on the
     * clock; leakage energy per query does (leak * cycles / f) */
    double eq_logic = logic_p * cyc_per_q * T, eq_mem = mem_p * cyc_per_q * T;
    double eq = eq_logic + eq_mem;
    double node_scale = (node_nm / 180.0) * (node_vdd / 1.8) * (node_vdd / 1.8);
    double dyn_per_cycle = (total_p - logic_leak - mem_leak) * T;
    double p_at_fmax = fmax > 0 ? dyn_per_cycle * fmax * 1e6 + logic_leak + mem_leak : 0;
    double eq_fmax = fmax > 0 ? (dyn_per_cycle + (logic_leak + mem_leak) / (fmax * 1e6)) * cyc_per_q : 0;

    cJSON *root = cJSON_CreateObject();
    char *cfg = sy_asprintf("%s-d%d-p%d-n%d-l%d", man->core, (int)man->d, (int)man->lanes, (int)man->top_n,
                            (int)man->max_keys);
    cJSON_AddStringToObject(root, "config", cfg);
    cJSON_AddStringToObject(root, "core", man->core);
    cJSON_AddStringToObject(root, "top", man->top);
    cJSON *params = cJSON_AddObjectToObject(root, "params");
    cJSON_AddNumberToObject(params, "d", man->d);
    cJSON_AddNumberToObject(params, "lanes", man->lanes);
    cJSON_AddNumberToObject(params, "top_n", man->top_n);
    cJSON_AddNumberToObject(params, "max_keys", man->max_keys);
    cJSON_AddNumberToObject(params, "ii_cycles", man->ii_cycles);
    cJSON *cmds = cJSON_AddObjectToObject(root, "commands");
    cJSON_AddStringToObject(cmds, "generate", man->command);
    char *cmdp = sy_asprintf("%s/log/command.txt", run);
    char *cmd = sy_read_file(cmdp, NULL);
    if (cmd) {
        size_t n = strlen(cmd);
        while (n && (cmd[n - 1] == '\n')) cmd[--n] = '\0';
    }
    cJSON_AddStringToObject(cmds, "flow", cmd ? cmd : "");
    free(cmd);
    free(cmdp);
    cJSON_AddStringToObject(root, "liberty", var(&kv, "LIB", ""));
    cJSON_AddItemToObject(root, "clock_period_ns", num(period));
    cJSON *tj = cJSON_AddObjectToObject(root, "timing");
    cJSON_AddItemToObject(tj, "fmax_mhz", num(fmax));
    cJSON_AddStringToObject(tj, "source", fsrc);
    cJSON_AddStringToObject(tj, "module", crit_mod);
    cJSON_AddStringToObject(tj, "startpoint", top.start);
    cJSON_AddStringToObject(tj, "endpoint", top.end);
    cJSON_AddItemToObject(tj, "critical_path_ns", num(top.period_ns - top.slack_ns));
    if (top.ws_pin[0]) {
        cJSON *ws = cJSON_AddObjectToObject(tj, "worst_stage");
        cJSON_AddStringToObject(ws, "pin", top.ws_pin);
        cJSON_AddStringToObject(ws, "cell", top.ws_cell);
        cJSON_AddItemToObject(ws, "delay_ns", num(top.ws_delay_ns));
        cJSON_AddItemToObject(ws, "load_pf", num(top.ws_load_pf));
    }
    cJSON *jm = cJSON_AddArrayToObject(root, "modules");
    for (int i = 0; i < nmods; i++) {
        modres *r = &mods[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", r->mm->name);
        cJSON_AddStringToObject(o, "block", r->mm->block);
        cJSON_AddNumberToObject(o, "instances", r->n_inst);
        cJSON_AddNumberToObject(o, "cells", r->leaf_cells);
        cJSON_AddItemToObject(o, "area_um2", num(r->area_um2));
        cJSON_AddItemToObject(o, "area_total_um2", num(r->area_um2 * r->n_inst));
        cJSON_AddItemToObject(o, "fmax_mhz", num(fmax_mhz(&r->tm)));
        cJSON_AddItemToObject(o, "power_uw", num(r->power_w * 1e6));
        cJSON_AddItemToObject(o, "leakage_uw", num(r->leak_w * 1e6));
        cJSON_AddNumberToObject(o, "simulated_instances", r->n_sim);
        cJSON_AddItemToObject(o, "mean_output_activity", num(r->n_sim ? r->act_sum / r->n_sim : 0));
        cJSON_AddItemToArray(jm, o);
    }
    cJSON *jb = cJSON_AddObjectToObject(root, "blocks");
    for (int b = 0; b < nblocks; b++) {
        cJSON *o = cJSON_AddObjectToObject(jb, blocks[b].name);
        cJSON_AddItemToObject(o, "area_um2", num(blocks[b].area));
        cJSON_AddItemToObject(o, "power_uw", num(blocks[b].power * 1e6));
        cJSON_AddItemToObject(o, "leakage_uw", num(blocks[b].leak * 1e6));
    }
    cJSON *jmem = cJSON_AddArrayToObject(root, "memories");
    for (int j = 0; j < nmems; j++) {
        memres *m = &mems[j];
        double cyc = m->cycles > 0 ? (double)m->cycles : (double)(cycles > 0 ? cycles : 1);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", m->mm->name);
        cJSON_AddNumberToObject(o, "instances", m->mm->instances);
        cJSON_AddNumberToObject(o, "words", (double)m->mm->words);
        cJSON_AddNumberToObject(o, "width", (double)m->mm->width);
        cJSON_AddNumberToObject(o, "write_bits", (double)m->write_bits);
        cJSON_AddItemToObject(o, "bits", num(m->cost.bits));
        cJSON_AddItemToObject(o, "area_um2", num(m->cost.area_um2));
        cJSON_AddItemToObject(o, "e_read_pj", num(m->cost.e_read_pj));
        cJSON_AddItemToObject(o, "e_write_pj", num(m->cost.e_write_pj));
        cJSON_AddItemToObject(o, "reads", num(m->reads));
        cJSON_AddItemToObject(o, "writes", num(m->writes));
        cJSON_AddItemToObject(o, "reads_per_cycle", num(m->reads / cyc));
        cJSON_AddItemToObject(o, "writes_per_cycle", num(m->writes / cyc));
        cJSON_AddItemToObject(o, "leakage_uw", num(m->cost.leak_uw * m->mm->instances));
        cJSON_AddItemToObject(o, "power_uw",
                              num(((m->reads * m->cost.e_read_pj + m->writes * m->cost.e_write_pj) * 1e-12 /
                                       (cyc * T) + m->cost.leak_uw * 1e-6 * m->mm->instances) * 1e6));
        cJSON_AddItemToArray(jmem, o);
    }
    cJSON *tot = cJSON_AddObjectToObject(root, "totals");
    cJSON_AddItemToObject(tot, "logic_area_um2", num(logic_area));
    cJSON_AddItemToObject(tot, "memory_area_um2", num(mem_area));
    cJSON_AddItemToObject(tot, "area_um2", num(logic_area + mem_area));
    cJSON_AddItemToObject(tot, "logic_power_uw", num(logic_p * 1e6));
    cJSON_AddItemToObject(tot, "memory_power_uw", num(mem_p * 1e6));
    cJSON_AddItemToObject(tot, "power_uw", num(total_p * 1e6));
    cJSON_AddItemToObject(tot, "logic_leakage_uw", num(logic_leak * 1e6));
    cJSON_AddItemToObject(tot, "logic_clock_uw", num(p0dyn * 1e6));
    cJSON_AddItemToObject(tot, "power_at_fmax_uw", num(p_at_fmax * 1e6));
    cJSON *act = cJSON_AddObjectToObject(root, "activity");
    cJSON_AddStringToObject(act, "window", var(&kv, "ACT_WINDOW", ""));
    cJSON_AddNumberToObject(act, "cycles", (double)cycles);
    cJSON_AddNumberToObject(act, "queries", queries);
    cJSON_AddItemToObject(act, "cycles_per_query", num(cyc_per_q));
    cJSON_AddItemToObject(act, "coverage_cells", num(cells_total ? (double)cells_cov / (double)cells_total : 1));
    cJSON_AddItemToObject(act, "coverage_instances", num(inst_cells ? (double)inst_sim / (double)inst_cells : 1));
    cJSON_AddNumberToObject(act, "simulated_instances", (double)inst_sim);
    cJSON_AddNumberToObject(act, "instances_with_cells", (double)inst_cells);
    cJSON_AddStringToObject(act, "source", var(&kv, "CAPTURE_CMD", ""));
    cJSON_AddStringToObject(act, "gate_level_check", "pass");
    cJSON *thr = cJSON_AddObjectToObject(root, "throughput");
    cJSON_AddItemToObject(thr, "ii_cycles", num(ii));
    cJSON_AddItemToObject(thr, "queries_per_cycle", num(1.0 / ii));
    cJSON_AddItemToObject(thr, "queries_per_s_at_fmax", num(fmax * 1e6 / ii));
    cJSON_AddItemToObject(thr, "queries_per_s_at_clock", num(1.0 / (T * ii)));
    cJSON_AddItemToObject(thr, "measured_cycles_per_query", num(queries > 0 ? (double)cycles / queries : 0));
    cJSON *en = cJSON_AddObjectToObject(root, "energy");
    cJSON_AddStringToObject(en, "basis", by_window ? "energy of the activity window / queries in it"
                                                   : "average power x ii_cycles x clock period");
    cJSON_AddItemToObject(en, "per_query_nj", num(eq * 1e9));
    cJSON_AddItemToObject(en, "per_query_logic_nj", num(eq_logic * 1e9));
    cJSON_AddItemToObject(en, "per_query_memory_nj", num(eq_mem * 1e9));
    cJSON_AddItemToObject(en, "per_query_at_fmax_nj", num(eq_fmax * 1e9));
    cJSON_AddItemToObject(en, "queries_per_mj", num(eq > 0 ? 1e-3 / eq : 0));
    cJSON_AddItemToObject(en, "node_scale", num(node_scale));
    cJSON_AddItemToObject(en, "node_ref_nm", num(node_nm));
    cJSON_AddItemToObject(en, "node_ref_vdd", num(node_vdd));
    cJSON_AddItemToObject(en, "per_query_node_nj", num(eq * node_scale * 1e9));
    cJSON_AddItemToObject(en, "queries_per_mj_node", num(eq > 0 ? 1e-3 / (eq * node_scale) : 0));
    char *text = cJSON_Print(root);
    FILE *f = fopen(out, "w");
    if (!f || fputs(text, f) < 0) {
        fprintf(stderr, "hgsynth summary: cannot write %s\n", out);
        rc = 2;
    }
    if (f) fclose(f);
    printf("%s: area %.0f um2 logic + %.0f um2 memories; Fmax %.1f MHz; power %.1f uW logic + %.1f uW "
           "memories at %.0f MHz; %.3f nJ/query; activity on %.1f%% of cells\n",
           cfg, logic_area, mem_area, fmax, logic_p * 1e6, mem_p * 1e6, 1000.0 / period, eq * 1e9,
           cells_total ? 100.0 * (double)cells_cov / (double)cells_total : 100.0);
    if (top.ws_pin[0])
        printf("  critical path %s -> %s, %.2f ns; slowest stage %s (%s): %.2f ns into %.3f pF\n", top.start,
               top.end, top.period_ns - top.slack_ns, top.ws_pin, top.ws_cell, top.ws_delay_ns, top.ws_load_pf);
    free(text);
    free(cfg);
    cJSON_Delete(root);
out:
    free(mods);
    free(mems);
    for (int i = 0; i < kv.n; i++) {
        free(kv.k[i]);
        free(kv.v[i]);
    }
    free(kv.k);
    free(kv.v);
    sy_manifest_free(man);
    return rc;
}
