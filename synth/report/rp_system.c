/* rp_system.c — the report's system section (rp_system.h). */
#include "rp_system.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CTX 32 /* distinct context lengths of a sweep */

enum { W_DECODE, W_PREFILL, NWORK };
static const char *const WORK[NWORK] = {"decode", "prefill"};
static const char *const WORK_TEXT[NWORK] = {"decoding step: one query per head against the context",
                                             "prefill: every token of the context a query"};

/* One run of the sweep, its figures per query. */
typedef struct {
    int core, work, context, heads, queries;
    int lw; /* keys per K/V load beat of the core (--load-width) */
    double t_ns, core_nj, sram_nj, dram_nj, busy_per_q, ratio;
    double load_per_q;     /* busy cycles of configuration and K/V load per query (NAN: not in the run) */
    double load_nj;        /* core logic energy of those cycles per query (part of core_nj) */
    double core_g, load_g; /* core_nj and load_nj with the clock-gating estimate (NAN: none) */
    double f_mem;          /* MHz: the clock above which the layer is memory-bound (roofline) */
    double clock_mhz;      /* the system model's core clock */
    int memory_bound;
} sys_pt;

/* "0.500", or "-" where the figure is unknown (a run to compare with, or an estimate, missing). */
static const char *num_dec(char *buf, size_t n, int decimals, double v)
{
    if (isfinite(v))
        snprintf(buf, n, "%.*f", decimals, v);
    else
        snprintf(buf, n, "-");
    return buf;
}

static const char *num_text(char *buf, size_t n, double v) { return num_dec(buf, n, 3, v); }

/* Appends item to the comma-separated list in buf (size n), truncating where it is full. */
static void list_add(char *buf, size_t n, const char *item)
{
    size_t m = strlen(buf);
    snprintf(buf + m, n - m, "%s%s", m ? ", " : "", item);
}

/* The clock of hadrun's sys-* backends (--sys-clock-mhz), which make report leaves at its default;
   their fidelity files do not record it. */
#define LAYER_CLOCK_MHZ 100

/* Why the workload sweep's fit cannot cost core c of a fidelity run whose core options are cfg
   (into buf; NULL: it can): no fit of the core, or another configuration than the sweep's. */
static const char *fit_mismatch(const cJSON *cfg, const rp_nk_fit *fit, int c, char *buf, size_t n)
{
    if (!fit || !fit->run[c] || !isfinite(fit->q0[c]) || !isfinite(fit->l0[c])) {
        snprintf(buf, n, "no workload sweep of %s with K/V load runs at two n_k or more", RP_CORE_NAME(c));
        return buf;
    }
    static const char *const KEY[] = {"d", "lanes", "top_n", "max_keys", "v_bits", "load_width"};
    static const double BEFORE[] = {NAN, NAN, NAN, NAN, 8, 1}; /* runs before --v-bits, --load-width */
    const cJSON *par = cJSON_GetObjectItemCaseSensitive(fit->run[c], "params");
    for (size_t k = 0; k < sizeof KEY / sizeof *KEY; k++) {
        double a = rp_num_or(cfg, KEY[k], BEFORE[k]), b = rp_num_or(par, KEY[k], BEFORE[k]);
        if (a != b) {
            snprintf(buf, n, "the workload sweep's %s has %s %g, the layer's %g", RP_CORE_NAME(c), KEY[k], b,
                     a);
            return buf;
        }
    }
    const char *sel = rp_str(cJSON_GetObjectItemCaseSensitive(cfg, "selectors"), RP_CORE_NAME(c));
    if (*sel && strcmp(sel, rp_str(par, "selector")) != 0) {
        snprintf(buf, n, "the workload sweep's %s has the %s selector, the layer's %s", RP_CORE_NAME(c),
                 rp_str(par, "selector"), sel);
        return buf;
    }
    return NULL;
}

/* One sys-<core> backend's layer 0 (every layer has the same shape). */
typedef struct {
    const char *name;
    int core, distilled;
    const cJSON *l0;
    double core_nj, load_nj, total_nj; /* NAN: no estimate */
    double core_g, load_g, total_g;    /* the same with the clock-gating estimate (NAN: none) */
    double fmax, us_at_fmax; /* its type's Fmax (the workload sweep's flow), the layer's time there */
} layer_row;

/* stdout: "system: WHAT, total / baseline R, clocks gated G" ('-' where unknown). */
static void print_ratio(const char *what, double r, double g)
{
    char a[32], b[32];
    printf("system: %s, total / baseline %s, clocks gated %s\n", what, num_text(a, sizeof a, r),
           num_text(b, sizeof b, g));
}

/* 1 when p[i] is the last (longest context) of its core and workload among the n sorted runs. */
static int last_of_its_curve(const sys_pt *p, int n, int i)
{
    return i == n - 1 || p[i + 1].core != p[i].core || p[i + 1].work != p[i].work;
}

/* A layer's core logic by fit f (nJ): q queries scoring qk keys in all, h heads loading k keys;
   NAN where f does not cost core c. */
static double layer_logic(const rp_nk_fit *f, int c, double q, double qk, double h, double k, double *load)
{
    *load = f ? f->l0[c] * h + f->l1[c] * k : NAN;
    return f ? f->q0[c] * q + f->q1[c] * qk + *load : NAN;
}

/* The MiniLM layer: the sys-<core> backends of the fidelity runs, their per-layer means, and
   their energy with the core logic from the workload sweep's fits (cost[].layer, NULL: none). */
static void minilm_layer(FILE *md, cJSON *js, const cJSON *const *fid, int nfid, const rp_sys_cost *cost)
{
    const rp_nk_fit *fit = cost[RP_SYS_PLAIN].layer;
    layer_row row[64];
    int n = 0;
    char why[256] = "";
    for (int f = 0; f < nfid; f++) {
        const cJSON *b, *cfg = cJSON_GetObjectItemCaseSensitive(fid[f], "core");
        int distilled = cJSON_IsTrue(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(fid[f], "model"), "distilled"));
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(fid[f], "backends"))
        {
            const char *name = rp_str(b, "backend");
            const cJSON *pl = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(b, "system"),
                                                               "per_layer_mean");
            if (strncmp(name, "sys-", 4) != 0 || !cJSON_IsArray(pl) || cJSON_GetArraySize(pl) == 0) continue;
            if (n == (int)(sizeof row / sizeof *row)) rp_die("--fidelity: more than %d system backends", n);
            layer_row *r = &row[n++];
            *r = (layer_row){.name = name,
                             .core = rp_core_index(name + 4),
                             .distilled = distilled,
                             .l0 = cJSON_GetArrayItem(pl, 0)};
            r->core_nj = r->load_nj = r->total_nj = r->core_g = r->load_g = r->total_g = r->fmax =
                r->us_at_fmax = NAN;
            if (r->core < 0) rp_die("--fidelity: system backend '%s' of an unknown core type", name);
            const cJSON *l0 = r->l0;
            double q = rp_num(l0, "queries"), qk = rp_num(l0, "query_keys"), h = rp_num(l0, "heads"),
                   k = rp_num(l0, "keys");
            int counted = isfinite(q) + isfinite(qk) + isfinite(h) + isfinite(k);
            double lmax = rp_num(cfg, "max_keys");
            if (counted == 4 &&
                !(h > 0 && k >= h && q > 0 && qk >= q && (isnan(lmax) || (k <= h * lmax && qk <= q * lmax))))
                rp_die("--fidelity: %s's layer 0 has %g heads, %g keys, %g queries and %g keys scored: "
                       "each head loads 1..max_keys (%g) keys and each query scores 1..max_keys",
                       name, h, k, q, qk, lmax);
            if (counted > 0 && counted < 4)
                rp_die("--fidelity: %s's layer 0 lacks one of heads, keys, queries and query_keys", name);
            char buf[256];
            const char *bad = fit_mismatch(cfg, fit, r->core, buf, sizeof buf);
            if (!bad && counted == 0)
                bad = "a run before the system model counted heads, keys and keys scored";
            if (bad) { /* the first reason is the section's */
                if (!*why) snprintf(why, sizeof why, "%s", bad);
                continue;
            }
            int c = r->core;
            /* its type's Fmax: the workload sweep's flow (the layer's configuration) */
            r->fmax = fit->run[c] ? rp_num(fit->run[c], "timing.fmax_mhz") : NAN;
            double mem = rp_num(l0, "sram_pj") / 1e3 + rp_num(l0, "dram_pj") / 1e3;
            r->core_nj = layer_logic(fit, c, q, qk, h, k, &r->load_nj);
            r->total_nj = r->core_nj + mem;
            r->core_g = layer_logic(cost[RP_SYS_GATED].layer, c, q, qk, h, k, &r->load_g);
            r->total_g = r->core_g + mem;
        }
    }
    cJSON *arr = cJSON_AddArrayToObject(js, "minilm_layer");
    if (!n) return;
    /* the core types below the model's clock, once each */
    char slow[128] = "";
    for (int c = 0; c < RP_NCORES; c++)
        for (int i = 0; i < n; i++)
            if (row[i].core == c && row[i].fmax < LAYER_CLOCK_MHZ) {
                char item[48];
                snprintf(item, sizeof item, "%s (%.1f MHz)", RP_CORE_NAME(c), row[i].fmax);
                list_add(slow, sizeof slow, item);
                break;
            }
    fprintf(md,
            "\n### A MiniLM layer through each core\n\n"
            "The evaluation sentences through every layer of the model (`hadrun --backend "
            "sys-...`): one core instance at %d MHz, lpddr4; means per layer and sentence "
            "(layer 0; every layer has the same shape). The model runs every core at %d MHz; the last "
            "column is the layer's time at the core's own Fmax, the cycles over the Fmax of the workload "
            "sweep's flow of its type (a compute-bound layer; '-' without the sweep).",
            LAYER_CLOCK_MHZ, LAYER_CLOCK_MHZ);
    if (*slow) fprintf(md, " Below %d MHz: %s.", LAYER_CLOCK_MHZ, slow);
    fprintf(
        md,
        "\n\n| backend | model | cycles | core busy | core waiting | DRAM busy | K / V / Q / O "
        "bytes | SRAM nJ | DRAM nJ | bound | us at Fmax |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        const cJSON *l0 = row[i].l0;
        double all = rp_num(l0, "core_busy") + rp_num(l0, "core_wait") + rp_num(l0, "core_idle"),
               us = rp_num(l0, "cycles") / row[i].fmax;
        char t[32];
        num_dec(t, sizeof t, 2, us);
        fprintf(
            md,
            "| %s | %s | %.0f | %.3f | %.3f | %.3f | %.0f / %.0f / %.0f / %.0f | %.2f | %.2f | %s | %s |\n",
            row[i].name, row[i].distilled ? "distilled" : "original", rp_num(l0, "cycles"),
            all > 0 ? rp_num(l0, "core_busy") / all : NAN, all > 0 ? rp_num(l0, "core_wait") / all : NAN,
            rp_num(l0, "dram_util"), rp_num(l0, "bytes_k"), rp_num(l0, "bytes_v"), rp_num(l0, "bytes_q"),
            rp_num(l0, "bytes_o"), rp_num(l0, "sram_pj") / 1e3, rp_num(l0, "dram_pj") / 1e3,
            rp_str(l0, "bound"), t);
        row[i].us_at_fmax = us;
    }
    /* the baseline's totals, for the ratios: the first run's */
    double base = NAN, base_g = NAN;
    for (int i = 0; i < n; i++)
        if (row[i].core == HG_CORE_BASELINE) {
            base = row[i].total_nj;
            base_g = row[i].total_g;
            break;
        }
    fprintf(md, "\n### Energy of a MiniLM layer\n\n");
    if (*why) fprintf(md, "Core logic '-' where the workload sweep cannot cost it: %s.\n\n", why);
    if (fit && fit->nk_lo) {
        const rp_nk_fit *gf = cost[RP_SYS_GATED].layer;
        int gated = 0; /* core types the gated fit costs */
        for (int c = 0; c < RP_NCORES && gf; c++) gated += isfinite(gf->q0[c]) || isfinite(gf->l0[c]);
        fprintf(
            md,
            "Core logic is costed from the workload sweep's flows (section \"Energy against the "
            "workload\": the layer's configuration, real stimulus of n_k = %d..%d keys, osu018 180 nm): a "
            "query as its flow's energy per query, q0 + q1 n_k, and a head's reset, configuration and "
            "K/V load as its load run's energy, l0 + l1 n_k, least-squares lines through the sweep's "
            "points; summed over the layer's queries and heads with the keys each query scores and each "
            "head loads (counted by the system model). The layer's cores are the sweep's (the same L), so "
            "a query takes the cycles the flow's took and needs no cycle term (the context sweep below "
            "does). The lines are the sweep's stimulus's, for every "
            "row of a core type; sentences shorter than its smallest n_k are costed on their extension. "
            "Cycles waiting for memory are not counted (a waiting core is taken "
            "as clock-gated). 180 nm logic beside the DRAM preset's modern per-bit figures: the node "
            "factor 0.074 of the points' tables applies to the core logic, not to DRAM.%s\n\n"
            "| core | nJ a query | + nJ a key scored | largest residual | nJ a head's load | + nJ a key "
            "loaded | largest residual |\n|---|---|---|---|---|---|---|\n",
            fit->nk_lo, fit->nk_hi,
            gated
                ? " The rows \"clocks gated\" fit the same flows' clock-gating estimates (docs/synth.md, "
                  "\"Clock gating\": a register's clock charged only in the cycles its load enable "
                  "lets through, plus its gate; none where a flow has no estimate), which cost the last two "
                  "columns of the table after them: the low end of a range whose high end is the core as "
                  "generated."
                : " No flow of the sweep has a clock-gating estimate: the gated columns are '-'.");
        for (int g = 0; g < RP_SYS_NCOST; g++) {
            const rp_nk_fit *f = cost[g].layer;
            if (!f) continue;
            cJSON *jf = cJSON_AddObjectToObject(js, g ? "minilm_fit_gated" : "minilm_fit");
            for (int c = 0; c < RP_NCORES; c++) {
                if (!f->run[c] || (g && !isfinite(f->q0[c]) && !isfinite(f->l0[c]))) continue;
                char t[6][32];
                const double v[6] = {f->q0[c], f->q1[c], f->q_res[c], f->l0[c], f->l1[c], f->l_res[c]};
                for (int k = 0; k < 6; k++) { /* the residuals in percent */
                    num_dec(t[k], sizeof t[k], k % 3 == 2 ? 1 : 3, k % 3 == 2 ? 100 * v[k] : v[k]);
                    if (k % 3 == 2 && isfinite(v[k])) strcat(t[k], "%");
                }
                fprintf(md, "| %s%s | %s | %s | %s | %s | %s | %s |\n", RP_CORE_NAME(c),
                        g ? ", clocks gated" : "", t[0], t[1], t[2], t[3], t[4], t[5]);
                cJSON *o = cJSON_AddObjectToObject(jf, RP_CORE_NAME(c));
                static const char *const KEY[6] = {"query_nj",     "query_nj_per_key", "query_residual",
                                                   "head_load_nj", "load_nj_per_key",  "load_residual"};
                for (int k = 0; k < 6; k++)
                    if (isfinite(v[k])) cJSON_AddNumberToObject(o, KEY[k], v[k]);
            }
        }
        fprintf(md, "\n");
    }
    fprintf(
        md,
        "| backend | model | queries | keys a query | core logic nJ | of it configuration + K/V load "
        "| SRAM nJ | DRAM nJ | total nJ | total / baseline | core logic nJ, clocks gated | total / baseline, "
        "clocks gated |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        const cJSON *l0 = row[i].l0;
        double q = rp_num(l0, "queries"), ratio = row[i].total_nj / base, ratio_g = row[i].total_g / base_g;
        char t[8][32];
        num_dec(t[5], sizeof t[5], 1, q);
        num_dec(t[0], sizeof t[0], 1, row[i].core_nj);
        num_dec(t[1], sizeof t[1], 1, row[i].load_nj);
        num_dec(t[2], sizeof t[2], 1, row[i].total_nj);
        num_text(t[3], sizeof t[3], ratio);
        num_dec(t[4], sizeof t[4], 1, q > 0 ? rp_num(l0, "query_keys") / q : NAN);
        num_dec(t[6], sizeof t[6], 1, row[i].core_g);
        num_text(t[7], sizeof t[7], ratio_g);
        fprintf(md, "| %s | %s | %s | %s | %s | %s | %.2f | %.2f | %s | %s | %s | %s |\n", row[i].name,
                row[i].distilled ? "distilled" : "original", t[5], t[4], t[0], t[1],
                rp_num(l0, "sram_pj") / 1e3, rp_num(l0, "dram_pj") / 1e3, t[2], t[3], t[6], t[7]);
        cJSON *o = cJSON_Duplicate(l0, 1);
        cJSON_AddStringToObject(o, "backend", row[i].name);
        cJSON_AddBoolToObject(o, "distilled", row[i].distilled);
        if (isfinite(row[i].core_nj)) {
            cJSON_AddNumberToObject(o, "core_nj", row[i].core_nj);
            cJSON_AddNumberToObject(o, "core_load_nj", row[i].load_nj);
            cJSON_AddNumberToObject(o, "total_nj", row[i].total_nj);
        }
        if (isfinite(ratio)) cJSON_AddNumberToObject(o, "total_over_baseline", ratio);
        if (isfinite(row[i].core_g)) {
            cJSON_AddNumberToObject(o, "core_nj_gated", row[i].core_g);
            cJSON_AddNumberToObject(o, "core_load_nj_gated", row[i].load_g);
            cJSON_AddNumberToObject(o, "total_nj_gated", row[i].total_g);
        }
        if (isfinite(ratio_g)) cJSON_AddNumberToObject(o, "total_over_baseline_gated", ratio_g);
        if (isfinite(row[i].us_at_fmax)) {
            cJSON_AddNumberToObject(o, "fmax_mhz", row[i].fmax);
            cJSON_AddNumberToObject(o, "us_at_fmax", row[i].us_at_fmax);
        }
        cJSON_AddItemToArray(arr, o);
        if (row[i].core != HG_CORE_BASELINE) {
            char what[96];
            snprintf(what, sizeof what, "MiniLM layer, %s (%s model)", row[i].name,
                     row[i].distilled ? "distilled" : "original");
            print_ratio(what, ratio, ratio_g);
        }
    }
}

/* A core type's configuration and load energy as a cycle's and a loaded key's (nJ), from the
   load runs of its cores of one key a beat and of a wider port loading the same keys in fewer
   cycles: E = cyc x cycles + key x keys for both; NAN where either is missing or the fit is not
   positive. */
typedef struct {
    double cyc, key;
} load_fit;

static load_fit fit_load(const rp_core_energy *one, const rp_core_energy *wide, int c)
{
    load_fit f = {NAN, NAN};
    if (!one || !wide) return f;
    double e1 = one->load_nj[c], n1 = one->load_cycles[c], e2 = wide->load_nj[c], n2 = wide->load_cycles[c],
           k = one->load_keys[c];
    if (!(isfinite(e1) && isfinite(e2) && k > 0 && k == wide->load_keys[c] && n1 > n2 && n2 > 0)) return f;
    double cyc = (e1 - e2) / (n1 - n2), key = (e1 - cyc * n1) / k;
    if (cyc > 0 && key > 0) f = (load_fit){cyc, key};
    return f;
}

/* A run's core logic per query (nJ; *load_nj: of it its configuration and load) by cost
   (rp_system.h; fit: the load fit of its ce and ce_wide): the configuration and load part from
   its port's load line (c->sys[port]) where it has one for the core, else from fit, else at the
   load run's energy per cycle; the queries from its port's query plane, else the one-key port's,
   else at the point's energy per query over its cycles. NAN without a point of its port. */
static double core_logic(const sys_pt *p, const rp_sys_cost *cost, const load_fit *fit, double *load_nj)
{
    const rp_core_energy *ce = p->lw == 1 ? cost->ce : cost->ce_wide;
    *load_nj = NAN; /* NAN propagates: no point, no load run, no split */
    if (!ce) return NAN;
    int c = p->core;
    double q = p->queries, keys = (double)p->context * p->heads / q; /* keys loaded a query */
    const rp_nk_fit *sf = cost->sys ? &cost->sys[p->lw > 1] : NULL,
                    *qf = sf && isfinite(sf->query[c]) ? sf : cost->sys;
    if (sf && isfinite(sf->l0[c])) /* the sweep's own cores of this port */
        *load_nj = sf->l0[c] * p->heads / q + sf->l1[c] * keys;
    else if (isfinite(fit[c].cyc)) /* the point's pair of load widths */
        *load_nj = fit[c].cyc * p->load_per_q + fit[c].key * keys;
    else
        *load_nj = ce->load_nj[c] / ce->load_cycles[c] * p->load_per_q;
    double qc = p->busy_per_q - p->load_per_q; /* a query's busy cycles */
    return *load_nj + (qf && isfinite(qf->query[c])
                           ? qf->query[c] + qf->cycle[c] * qc + qf->key[c] * p->context
                           : ce->nj[c] / ce->cycles[c] * qc);
}

/* Reads one hgsys --json run, its core logic estimated by core_logic of each cost (fit[g]: the
   load fit of cost[g]). rp_die on a file that is not one, or on a point whose cores load
   another number of keys a beat than the run's. */
static sys_pt read_pt(const cJSON *j, const rp_sys_cost *cost, const load_fit (*fit)[RP_NCORES])
{
    sys_pt p;
    memset(&p, 0, sizeof p);
    p.core = rp_core_index(rp_str(j, "core"));
    p.context = rp_whole(j, "context");
    p.heads = rp_whole(j, "heads");
    /* runs before --load-width: one key a beat */
    p.lw = cJSON_GetObjectItemCaseSensitive(j, "load_width") ? rp_whole(j, "load_width") : 1;
    int qh = rp_whole(j, "queries_per_head");
    if (p.core < 0 || !p.context || !p.heads || !qh || !isfinite(rp_num(j, "time_ns")))
        rp_die("--system: not an hgsys --json file (core, context, heads, queries_per_head, time_ns)");
    const rp_core_energy *ce = p.lw == 1 ? cost[RP_SYS_PLAIN].ce : cost[RP_SYS_PLAIN].ce_wide;
    if (ce && ce->lw != p.lw)
        rp_die("--system: a run of %d key(s) a load beat, and its point '%s' has cores of %d "
               "(--system-point for one key a beat, --system-wide-point for a wider port)",
               p.lw, ce->point, ce->lw);
    p.work = qh == 1 ? W_DECODE : W_PREFILL;
    p.clock_mhz = rp_num(j, "clock_mhz");
    p.queries = qh * p.heads;
    double q = p.queries;
    p.t_ns = rp_num(j, "time_ns") / q;
    p.sram_nj = rp_num(j, "sram_pj") / 1e3 / q;
    p.dram_nj = rp_num(j, "dram_pj") / 1e3 / q;
    p.busy_per_q = rp_num(j, "core_busy") / q;
    /* runs before the split of busy cycles have no core_load: no core logic estimate */
    const cJSON *jl = cJSON_GetObjectItemCaseSensitive(j, "core_load");
    p.load_per_q = cJSON_IsNumber(jl) ? jl->valuedouble / q : NAN;
    if (p.load_per_q < 0 || p.load_per_q > p.busy_per_q)
        rp_die("--system: core_load %g is not within 0..core_busy (%g)", jl->valuedouble,
               rp_num(j, "core_busy"));
    p.core_nj = core_logic(&p, &cost[RP_SYS_PLAIN], fit[RP_SYS_PLAIN], &p.load_nj);
    p.core_g = core_logic(&p, &cost[RP_SYS_GATED], fit[RP_SYS_GATED], &p.load_g);
    p.ratio = rp_num(j, "model_over_roofline");
    p.memory_bound = strcmp(rp_str(j, "bound"), "memory") == 0;
    double cycles = rp_num(j, "roof_compute_ns") * rp_num(j, "clock_mhz") / 1e3,
           mem = rp_num(j, "roof_memory_ns");
    p.f_mem = mem > 0 ? cycles / mem * 1e3 : NAN;
    return p;
}

static int cmp_pt(const void *a, const void *b)
{
    const sys_pt *x = a, *y = b;
    if (x->lw != y->lw) return x->lw - y->lw;
    if (x->work != y->work) return x->work - y->work;
    if (x->core != y->core) return x->core - y->core;
    return x->context - y->context;
}

/* "memory-bound up to 512 keys", "memory-bound at every context", ... for one core and work. */
static void bound_text(const sys_pt *p, int n, int core, int work, char *buf, size_t len)
{
    int mem = 0, all = 0, last_mem = 0, first_cmp = 0;
    for (int i = 0; i < n; i++) {
        if (p[i].core != core || p[i].work != work) continue;
        all++;
        if (p[i].memory_bound) {
            mem++;
            last_mem = p[i].context;
        } else if (!first_cmp) {
            first_cmp = p[i].context;
        }
    }
    if (!all)
        snprintf(buf, len, "not run");
    else if (mem == all)
        snprintf(buf, len, "memory-bound at every context");
    else if (mem == 0)
        snprintf(buf, len, "compute-bound at every context");
    else
        snprintf(buf, len, "memory-bound up to %d keys, compute-bound from %d", last_mem, first_cmp);
}

/* The data files of the plots: one row per context, a column per (core, work). */
static void write_dat(const char *dir, const sys_pt *p, int n, int what)
{
    FILE *f = rp_out_file(dir, what ? "system_time.dat" : "system_energy.dat");
    int ctx[MAX_CTX], nc = 0;
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < nc && ctx[k] != p[i].context) k++;
        if (k == nc && nc < MAX_CTX) ctx[nc++] = p[i].context;
    }
    for (int a = 0; a < nc; a++)
        for (int b = a + 1; b < nc; b++)
            if (ctx[b] < ctx[a]) {
                int t = ctx[a];
                ctx[a] = ctx[b];
                ctx[b] = t;
            }
    fprintf(f, "# context");
    for (int w = 0; w < NWORK; w++)
        for (int c = 0; c < RP_NCORES; c++) fprintf(f, " %s-%s", RP_CORE_NAME(c), WORK[w]);
    fprintf(f, "  (%s per query)\n", what ? "time, ns" : "energy, nJ: core logic + SRAM + DRAM");
    for (int a = 0; a < nc; a++) {
        fprintf(f, "%d", ctx[a]);
        for (int w = 0; w < NWORK; w++)
            for (int c = 0; c < RP_NCORES; c++) {
                double v = NAN;
                for (int i = 0; i < n; i++)
                    if (p[i].core == c && p[i].work == w && p[i].context == ctx[a])
                        v = what ? p[i].t_ns : p[i].core_nj + p[i].sram_nj + p[i].dram_nj;
                if (isnan(v))
                    fprintf(f, " ?");
                else
                    fprintf(f, " %.6g", v);
            }
        fprintf(f, "\n");
    }
    rp_out_close(f);
}

/* 1 if the plot of what (0 energy, 1 time) has a point for core c and workload w. */
static int has_curve(const sys_pt *p, int n, int c, int w, int what)
{
    for (int i = 0; i < n; i++)
        if (p[i].core == c && p[i].work == w && isfinite(what ? p[i].t_ns : p[i].core_nj)) return 1;
    return 0;
}

/* 1 if the plot of what has a curve (the energy plot has none where no run has its core logic). */
static int has_plot(const sys_pt *p, int n, int what)
{
    for (int w = 0; w < NWORK; w++)
        for (int c = 0; c < RP_NCORES; c++)
            if (has_curve(p, n, c, w, what)) return 1;
    return 0;
}

static int plots(const char *dir, const sys_pt *p, int n)
{
    FILE *g = rp_out_file(dir, "system.gp");
    fprintf(g, "# gnuplot script written by hgreport; run from the report directory\n"
               "set datafile missing '?'\nset key outside right top\nset grid\nset logscale xy\n"
               "set xlabel 'context (keys per head)'\nset style data linespoints\n");
    for (int t = 0; t < 2; t++)
        for (int what = 0; what < 2; what++) {
            if (!has_plot(p, n, what)) continue;
            fprintf(g, "set terminal %s\nset output 'system_%s.%s'\n",
                    t ? "svg size 900,520" : "pngcairo size 900,520", what ? "time" : "energy",
                    t ? "svg" : "png");
            fprintf(g,
                    "set title '%s per query against context, DRAM included (system model)'\nset ylabel "
                    "'%s'\nplot",
                    what ? "Time" : "Energy", what ? "ns per query" : "nJ per query");
            int first = 1;
            for (int w = 0, col = 2; w < NWORK; w++)
                for (int c = 0; c < RP_NCORES; c++, col++) {
                    if (!has_curve(p, n, c, w, what)) continue; /* a column of '?' only */
                    fprintf(g, "%s '%s' using 1:%d title '%s, %s'", first ? "" : ",",
                            first ? (what ? "system_time.dat" : "system_energy.dat") : "", col,
                            RP_CORE_NAME(c), WORK[w]);
                    first = 0;
                }
            fprintf(g, "\n");
        }
    rp_out_close(g);
    return rp_gnuplot(dir, "system.gp", "gnuplot_system.log");
}

/* A CSV field: the figure, or nothing where it is unknown; sep after it. */
static void csv_num(FILE *f, double v, char sep)
{
    if (isfinite(v)) fprintf(f, "%.6g", v);
    fputc(sep, f);
}

/* A run's total energy per query, its core logic as generated (g 0) or gated (g 1). */
static double total_nj(const sys_pt *p, int g)
{
    return (g ? p->core_g : p->core_nj) + p->sram_nj + p->dram_nj;
}

/* The total energy per query of a run of the one-key sweep over the baseline's at the same
   workload and context, as generated (g 0) or gated (g 1); NAN where either lacks its core
   logic estimate. */
static double total_over_baseline(const sys_pt *p, int n, const sys_pt *x, int g)
{
    for (int i = 0; i < n; i++)
        if (p[i].core == HG_CORE_BASELINE && p[i].work == x->work && p[i].context == x->context)
            return total_nj(x, g) / total_nj(&p[i], g);
    return NAN;
}

/* The core types whose queries (*nq) and loads (*nl) fit f costs (f NULL: none). */
static void fit_counts(const rp_nk_fit *f, int *nq, int *nl)
{
    *nq = *nl = 0;
    for (int c = 0; c < RP_NCORES && f; c++) {
        *nq += isfinite(f->query[c]);
        *nl += isfinite(f->l0[c]);
    }
}

/* "Fitted at n_k = lo..hi: had a query ... nJ + ...; baseline ..." into md, the figures into
   js[key]; then the Fmax of those cores (their flows) against the system model's clock: a core
   slower than that clock runs at it only in the model, and its times are short by Fmax / clock.
   gated: the fit of the clock-gating estimates (cost[RP_SYS_GATED]), its line without the Fmax
   and nothing where it costs no core. */
static void fit_line(FILE *md, cJSON *js, const char *key, const rp_nk_fit *f, double clock_mhz, int gated)
{
    int nq, nl;
    fit_counts(f, &nq, &nl);
    if (gated && !nq && !nl) return;
    cJSON *jq = cJSON_AddObjectToObject(js, key);
    fprintf(md, "%s at n_k = %d..%d:", gated ? "With the clock-gating estimate, fitted" : "Fitted", f->nk_lo,
            f->nk_hi);
    for (int c = 0, k = 0; c < RP_NCORES; c++) {
        if (!isfinite(f->query[c]) && !isfinite(f->l0[c])) continue;
        fprintf(md, "%s %s", k++ ? ";" : "", RP_CORE_NAME(c));
        cJSON *o = cJSON_AddObjectToObject(jq, RP_CORE_NAME(c));
        if (isfinite(f->query[c])) {
            fprintf(md, " a query %.3f nJ + %.3f nJ a cycle + %.4f nJ a key scored (largest residual %.1f%%)",
                    f->query[c], f->cycle[c], f->key[c], 100 * f->res[c]);
            cJSON_AddNumberToObject(o, "nj_per_query", f->query[c]);
            cJSON_AddNumberToObject(o, "nj_per_cycle", f->cycle[c]);
            cJSON_AddNumberToObject(o, "nj_per_key_scored", f->key[c]);
            cJSON_AddNumberToObject(o, "largest_residual", f->res[c]);
        }
        if (isfinite(f->l0[c])) {
            fprintf(md, "%s a head's load %.3f nJ + %.4f nJ a key (largest residual %.1f%%)",
                    isfinite(f->query[c]) ? "," : "", f->l0[c], f->l1[c], 100 * f->l_res[c]);
            cJSON_AddNumberToObject(o, "head_load_nj", f->l0[c]);
            cJSON_AddNumberToObject(o, "load_nj_per_key", f->l1[c]);
            cJSON_AddNumberToObject(o, "load_largest_residual", f->l_res[c]);
        }
    }
    fprintf(md, ".");
    if (gated) {
        fprintf(md, "\n\n");
        return;
    }
    char slow[128] = "";
    int k = 0, nslow = 0;
    for (int c = 0; c < RP_NCORES; c++) {
        double fmax = f->run[c] ? rp_num(f->run[c], "timing.fmax_mhz") : NAN;
        if (!isfinite(fmax) || (!isfinite(f->query[c]) && !isfinite(f->l0[c]))) continue;
        fprintf(md, "%s %s %.1f MHz", k++ ? "," : " Fmax of those cores (their flows):", RP_CORE_NAME(c),
                fmax);
        cJSON *o = cJSON_GetObjectItemCaseSensitive(jq, RP_CORE_NAME(c));
        int below = isfinite(clock_mhz) && fmax < clock_mhz;
        cJSON_AddNumberToObject(o, "fmax_mhz", fmax);
        cJSON_AddBoolToObject(o, "below_system_clock", below);
        if (below) {
            list_add(slow, sizeof slow, RP_CORE_NAME(c));
            nslow++;
        }
    }
    if (k) fprintf(md, ".");
    if (nslow)
        fprintf(md,
                " **Below the system model's clock of %g MHz: %s**: %s times in these tables are those at %g "
                "MHz; at a core's own Fmax each is %g / Fmax times as long (energies per cycle and per key "
                "are the flows' and stay as they are to first order).",
                clock_mhz, slow, nslow > 1 ? "their" : "its", clock_mhz, clock_mhz);
    fprintf(md, "\n\n");
}

/* The decoding steps of cores with a wider K/V load port (lw > 1, sorted after the lw = 1
   runs): time and energy per query against the same core with one key a beat and against the
   baseline of the same port; core logic from ce_wide, the point of cores of that port (NULL:
   none, '-'). */
static void wide_section(FILE *md, cJSON *js, const sys_pt *p, int n, int nwide,
                         const rp_core_energy *ce_wide, const rp_nk_fit *wide_fit,
                         const rp_nk_fit *wide_fit_g)
{
    const sys_pt *w = p + n - nwide;
    fprintf(md,
            "\n### Decoding with a K/V load port of %d keys a beat (`--load-width %d`)\n\n"
            "The same decoding steps through cores whose load port takes %d keys a cycle (hadgen "
            "`--load-width`; bit for bit the same outputs): the load no longer holds the step, so at long "
            "contexts DRAM does, and there HAD's K of d bits instead of d bytes counts. Time and energy per "
            "query against the same core with one key a beat, and against the baseline with the same port; "
            "SRAM and DRAM energy are the system model's. ",
            w[0].lw, w[0].lw, w[0].lw);
    int nq, nl;
    fit_counts(wide_fit, &nq, &nl);
    if (ce_wide && nl) {
        fprintf(md,
                "Core logic is estimated as in the table above, from flows of this port's own cores (the "
                "sweep's configuration built with `--load-width %d`) on stimuli of n_k = %d..%d keys, each "
                "with its K/V load run (`--system-wide-nk`, `--system-wide-nk-load`): %s, and a head's "
                "configuration and load by their load line, so the column / one key a beat prices both ports "
                "alike, from cores of the sweep's L. A core type without that fit: its load by the pair of "
                "load runs of point `%s` and its one-key point above, its queries by the one-key fit.\n\n",
                w[0].lw, wide_fit->nk_lo, wide_fit->nk_hi,
                nq ? "queries by their query plane"
                   : "queries by the one-key cores' query plane (the load "
                     "port leaves the query logic as it is)",
                ce_wide->point);
        fit_line(md, js, "wide_core_fit", wide_fit, w[0].clock_mhz, 0);
        if (wide_fit_g) fit_line(md, js, "wide_core_fit_gated", wide_fit_g, w[0].clock_mhz, 1);
    } else if (ce_wide)
        fprintf(md,
                "Core logic is estimated as in the table above, from the flow of cores of %d keys a beat at "
                "point `%s` and their K/V load runs (the queries by the query fit above where there is one: "
                "the load port leaves the query logic as it is). Where the one-key runs' loads are costed "
                "from the sweep's own cores (the load line above), the column / one key a beat compares two "
                "pricings of the load: this port's from cores of the point's L, the one-key port's from "
                "cores of the sweep's; it favours the wide port where the larger cores' writes cost more a "
                "key (`--system-wide-nk` gives this port's own).\n\n",
                w[0].lw, ce_wide->point);
    else
        fprintf(md,
                "Core logic is not estimated: no point of cores of %d keys a beat was given "
                "(`--system-wide-point`).\n\n",
                w[0].lw);
    fprintf(
        md,
        "The last two columns: core logic and the total over the baseline's with the clock-gating estimate "
        "(docs/synth.md, \"Clock gating\"; the low end of a range whose high end is the core as "
        "generated), costed alike from the same flows' estimates; '-' where a flow has none.\n\n"
        "| core | context | time/query ns | / one key a beat | / baseline | core logic nJ (est.) | of it "
        "configuration + K/V load | SRAM + DRAM nJ | / baseline | total nJ | / one key a beat | / "
        "baseline | bound | core logic nJ, clocks gated | total / baseline, clocks gated |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    cJSON *arr = cJSON_AddArrayToObject(js, "wide_load_decode");
    for (int i = 0; i < nwide; i++) {
        if (w[i].work != W_DECODE) continue;
        const sys_pt *one = NULL, *base = NULL;
        for (int k = 0; k < n; k++) {
            const sys_pt *q = &p[k];
            if (q->work != W_DECODE || q->context != w[i].context) continue;
            if (q->lw == 1 && q->core == w[i].core) one = q;
            if (q->lw == w[i].lw && q->core == HG_CORE_BASELINE) base = q;
        }
        double mem = w[i].sram_nj + w[i].dram_nj, bmem = base ? base->sram_nj + base->dram_nj : NAN;
        double tot = total_nj(&w[i], 0), btot = base ? total_nj(base, 0) : NAN,
               otot = one ? total_nj(one, 0) : NAN;
        double r_one = one ? w[i].t_ns / one->t_ns : NAN, r_base = base ? w[i].t_ns / base->t_ns : NAN;
        double rg = base ? total_nj(&w[i], 1) / total_nj(base, 1) : NAN;
        char a[32], b[32], m[32], cn[32], ln[32], tn[32], to[32], tb[32], cg[32], tg[32];
        fprintf(md, "| %s | %d | %.1f | %s | %s | %s | %s | %.3f | %s | %s | %s | %s | %s | %s | %s |\n",
                RP_CORE_NAME(w[i].core), w[i].context, w[i].t_ns, num_text(a, sizeof a, r_one),
                num_text(b, sizeof b, r_base), num_text(cn, sizeof cn, w[i].core_nj),
                num_text(ln, sizeof ln, w[i].load_nj), mem, num_text(m, sizeof m, mem / bmem),
                num_text(tn, sizeof tn, tot), num_text(to, sizeof to, tot / otot),
                num_text(tb, sizeof tb, tot / btot), w[i].memory_bound ? "memory" : "compute",
                num_text(cg, sizeof cg, w[i].core_g), num_text(tg, sizeof tg, rg));
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "core", RP_CORE_NAME(w[i].core));
        cJSON_AddNumberToObject(o, "load_width", w[i].lw);
        cJSON_AddNumberToObject(o, "context", w[i].context);
        cJSON_AddNumberToObject(o, "time_per_query_ns", w[i].t_ns);
        if (isfinite(r_one)) cJSON_AddNumberToObject(o, "time_over_one_key_a_beat", r_one);
        if (isfinite(r_base)) cJSON_AddNumberToObject(o, "time_over_baseline", r_base);
        if (isfinite(w[i].core_nj)) cJSON_AddNumberToObject(o, "core_nj", w[i].core_nj);
        if (isfinite(w[i].load_nj)) cJSON_AddNumberToObject(o, "core_load_nj", w[i].load_nj);
        cJSON_AddNumberToObject(o, "sram_nj", w[i].sram_nj);
        cJSON_AddNumberToObject(o, "dram_nj", w[i].dram_nj);
        if (isfinite(bmem)) cJSON_AddNumberToObject(o, "memory_nj_over_baseline", mem / bmem);
        if (isfinite(tot)) cJSON_AddNumberToObject(o, "total_nj", tot);
        if (isfinite(tot / otot)) cJSON_AddNumberToObject(o, "total_over_one_key_a_beat", tot / otot);
        if (isfinite(tot / btot)) cJSON_AddNumberToObject(o, "total_over_baseline", tot / btot);
        if (isfinite(w[i].core_g)) cJSON_AddNumberToObject(o, "core_nj_gated", w[i].core_g);
        if (isfinite(rg)) cJSON_AddNumberToObject(o, "total_over_baseline_gated", rg);
        cJSON_AddStringToObject(o, "bound", w[i].memory_bound ? "memory" : "compute");
        if (isfinite(w[i].f_mem)) cJSON_AddNumberToObject(o, "memory_bound_above_mhz", w[i].f_mem);
        cJSON_AddItemToArray(arr, o);
        if (w[i].core != HG_CORE_BASELINE && last_of_its_curve(w, nwide, i)) {
            char what[96];
            snprintf(what, sizeof what, "decode at %d keys, %d keys a beat, %s", w[i].context, w[i].lw,
                     RP_CORE_NAME(w[i].core));
            print_ratio(what, tot / btot, rg);
        }
    }
}

/* The context sweep: table, CSV, JSON, plots; the wider load ports' decoding steps after it. */
static int sweep_section(FILE *md, const char *dir, cJSON *js, const cJSON *const *sweep, int nsweep,
                         const rp_sys_cost *cost)
{
    const rp_core_energy *ce = cost[RP_SYS_PLAIN].ce, *ce_wide = cost[RP_SYS_PLAIN].ce_wide;
    /* per cost and load port, the fit of the sweep's own cores (NULL: none that costs a core type) */
    const rp_nk_fit *sf[RP_SYS_NCOST][2];
    int nq, nl; /* core types whose queries, and whose loads, a port's fit costs */
    for (int g = 0; g < RP_SYS_NCOST; g++)
        for (int port = 0; port < 2; port++) {
            fit_counts(cost[g].sys ? &cost[g].sys[port] : NULL, &nq, &nl);
            sf[g][port] = nq || nl ? &cost[g].sys[port] : NULL;
        }
    fit_counts(sf[0][0], &nq, &nl); /* the one-key port's, for its table's text */
    sys_pt *p = calloc((size_t)nsweep, sizeof *p);
    if (!p) rp_die("out of memory");
    load_fit fit[RP_SYS_NCOST][RP_NCORES];
    int nfit = 0;
    for (int g = 0; g < RP_SYS_NCOST; g++)
        for (int c = 0; c < RP_NCORES; c++) fit[g][c] = fit_load(cost[g].ce, cost[g].ce_wide, c);
    for (int c = 0; c < RP_NCORES; c++) nfit += isfinite(fit[RP_SYS_PLAIN][c].cyc);
    for (int i = 0; i < nsweep; i++) p[i] = read_pt(sweep[i], cost, (const load_fit(*)[RP_NCORES])fit);
    qsort(p, (size_t)nsweep, sizeof *p, cmp_pt);
    int nwide = 0, all = nsweep;
    for (int i = 0; i < all; i++) {
        if (p[i].lw > 1) nwide++;
        if (p[i].lw != p[all - 1].lw && p[i].lw > 1)
            rp_die("--system: runs of more than one wider load port");
    }
    if (nwide == all) rp_die("--system: no run with one key a load beat (--load-width 1)");
    nsweep -= nwide; /* the table, plots and bounds below: one key a beat */
    const cJSON *j0 = sweep[0];
    fprintf(md,
            "\n### Time and energy per query against context\n\n"
            "`hgsys` layers of random data through the system model: d=%g, P=%g, N=%g, cores holding L=%g "
            "keys (n_k = the context), one instance at %g MHz, DRAM `%s` (%g GB/s). Two workloads: a %s (%g "
            "heads); a %s (one head). Core logic energy is estimated from the synthesis flow, in two parts: "
            "each run's configuration and K/V load (the core takes one key a cycle), and its queries.\n\n",
            rp_num(j0, "d"), rp_num(j0, "lanes"), rp_num(j0, "top_n"), rp_num(j0, "max_keys"),
            rp_num(j0, "clock_mhz"), rp_str(j0, "dram"), rp_num(j0, "dram_gbytes_s"), WORK_TEXT[W_DECODE],
            rp_num(j0, "heads"), WORK_TEXT[W_PREFILL]);
    if (nq)
        fprintf(
            md,
            "- Queries: each a query's energy + its busy cycles x a cycle's + the keys it scores x a key's, "
            "fitted by least squares per core type to flows of the sweep's own cores (the configuration "
            "above) on stimuli of n_k = %d..%d keys, queries back to back (`--system-nk`): a query of few "
            "keys leaves the score lanes idle in most of its cycles. A core type without the fit: its busy "
            "cycles at point `%s`'s energy per query over its cycles per query.\n",
            sf[0][0]->nk_lo, sf[0][0]->nk_hi, ce ? ce->point : "(none)");
    else
        fprintf(
            md,
            "- Queries: their busy cycles at point `%s`'s energy per query over its cycles per query (the "
            "flow measured one n_k, queries back to back; every cycle of a query costed as one of the "
            "flow's, though a query of fewer keys leaves the score lanes idle).\n",
            ce ? ce->point : "(none)");
    if (nl)
        fprintf(
            md,
            "- Configuration and K/V load of one key a beat: a head's, l0 + l1 x n_k, fitted per core "
            "type to the K/V load runs of the same flows (the flow over the reset, configuration and load "
            "of one head; `--system-nk-load`).\n");
    fprintf(
        md,
        "- %sonfiguration and K/V load: a cycle's energy plus a loaded key's, fitted per core to two K/V "
        "load runs of point `%s` that load the same keys, its own and that of the cores of the wider load "
        "port below (E = cycles x a cycle's + keys x a key's); a core without that pair costs every such "
        "cycle at its load run's energy per cycle.\n"
        "- Cycles waiting for memory are not counted (a waiting core taken as clock-gated); '-' where the "
        "point has no load run of the core or the run does not split its busy cycles. SRAM and DRAM are "
        "the system model's.\n"
        "- The last two columns: core logic and the total over the baseline's with the registers' clocks "
        "gated, costed by the same rules from the same flows' clock-gating estimates (docs/synth.md, "
        "\"Clock gating\"; the low end of a range whose high end is the core as generated); '-' where a "
        "flow has none.\n\n",
        nl ? "Other c" : "C", ce ? ce->point : "(none)");
    if (sf[0][0]) fit_line(md, js, "core_fit", sf[0][0], rp_num(j0, "clock_mhz"), 0);
    if (sf[1][0]) fit_line(md, js, "core_fit_gated", sf[1][0], rp_num(j0, "clock_mhz"), 1);
    for (int g = 0; g < RP_SYS_NCOST && nfit; g++) {
        cJSON *jf = NULL;
        for (int c = 0; c < RP_NCORES; c++) {
            const load_fit *f = &fit[g][c];
            if (!isfinite(f->cyc)) continue;
            if (!jf) {
                fprintf(md, "Configuration and load energy%s, fitted:",
                        g ? " with the clock-gating estimate" : "");
                jf = cJSON_AddObjectToObject(js, g ? "load_fit_gated" : "load_fit");
            }
            fprintf(md, "%s %s %.3f nJ a cycle + %.3f nJ a key", cJSON_GetArraySize(jf) ? ";" : "",
                    RP_CORE_NAME(c), f->cyc, f->key);
            cJSON *o = cJSON_AddObjectToObject(jf, RP_CORE_NAME(c));
            cJSON_AddNumberToObject(o, "nj_per_cycle", f->cyc);
            cJSON_AddNumberToObject(o, "nj_per_key", f->key);
        }
        if (jf) fprintf(md, ".\n\n");
    }
    fprintf(
        md,
        "| workload | core | context | time/query ns | core logic nJ (est.) | of it configuration + K/V load "
        "| "
        "SRAM nJ | DRAM nJ | total nJ | total / baseline | bound | model / roofline | memory-bound above MHz "
        "| core logic nJ, clocks gated | total / baseline, clocks gated "
        "|\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    FILE *csv = rp_out_file(dir, "system.csv");
    fprintf(csv, "workload,core,context,time_per_query_ns,core_nj,sram_nj,dram_nj,total_nj,bound,model_over_"
                 "roofline,core_load_nj,total_over_baseline,core_nj_gated,core_load_nj_gated,total_over_"
                 "baseline_gated\n");
    cJSON *arr = cJSON_AddArrayToObject(js, "context_sweep");
    for (int i = 0; i < nsweep; i++) {
        double tot = total_nj(&p[i], 0), rb = total_over_baseline(p, nsweep, &p[i], 0),
               rg = total_over_baseline(p, nsweep, &p[i], 1);
        const char *b = p[i].memory_bound ? "memory" : "compute";
        char cn[32], ln[32], tn[32], rn[32], cg[32], gn[32];
        fprintf(md,
                "| %s | %s | %d | %.1f | %s | %s | %.3f | %.3f | %s | %s | %s | %.3f | %.0f | %s | %s |\n",
                WORK[p[i].work], RP_CORE_NAME(p[i].core), p[i].context, p[i].t_ns,
                num_text(cn, sizeof cn, p[i].core_nj), num_text(ln, sizeof ln, p[i].load_nj), p[i].sram_nj,
                p[i].dram_nj, num_text(tn, sizeof tn, tot), num_text(rn, sizeof rn, rb), b, p[i].ratio,
                p[i].f_mem, num_text(cg, sizeof cg, p[i].core_g), num_text(gn, sizeof gn, rg));
        fprintf(csv, "%s,%s,%d,%.6g,", WORK[p[i].work], RP_CORE_NAME(p[i].core), p[i].context, p[i].t_ns);
        csv_num(csv, p[i].core_nj, ',');
        fprintf(csv, "%.6g,%.6g,", p[i].sram_nj, p[i].dram_nj);
        csv_num(csv, tot, ',');
        fprintf(csv, "%s,%.6g,", b, p[i].ratio);
        csv_num(csv, p[i].load_nj, ',');
        csv_num(csv, rb, ',');
        csv_num(csv, p[i].core_g, ',');
        csv_num(csv, p[i].load_g, ',');
        csv_num(csv, rg, '\n');
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "workload", WORK[p[i].work]);
        cJSON_AddStringToObject(o, "core", RP_CORE_NAME(p[i].core));
        cJSON_AddNumberToObject(o, "context", p[i].context);
        cJSON_AddNumberToObject(o, "time_per_query_ns", p[i].t_ns);
        if (isfinite(p[i].core_nj)) cJSON_AddNumberToObject(o, "core_nj", p[i].core_nj);
        if (isfinite(p[i].load_nj)) cJSON_AddNumberToObject(o, "core_load_nj", p[i].load_nj);
        if (isfinite(p[i].load_per_q)) cJSON_AddNumberToObject(o, "load_cycles_per_query", p[i].load_per_q);
        cJSON_AddNumberToObject(o, "sram_nj", p[i].sram_nj);
        cJSON_AddNumberToObject(o, "dram_nj", p[i].dram_nj);
        if (isfinite(tot)) cJSON_AddNumberToObject(o, "total_nj", tot);
        if (isfinite(rb)) cJSON_AddNumberToObject(o, "total_over_baseline", rb);
        if (isfinite(p[i].core_g)) {
            cJSON_AddNumberToObject(o, "core_nj_gated", p[i].core_g);
            cJSON_AddNumberToObject(o, "core_load_nj_gated", p[i].load_g);
        }
        if (isfinite(rg)) cJSON_AddNumberToObject(o, "total_over_baseline_gated", rg);
        cJSON_AddStringToObject(o, "bound", b);
        if (isfinite(p[i].f_mem)) cJSON_AddNumberToObject(o, "memory_bound_above_mhz", p[i].f_mem);
        cJSON_AddItemToArray(arr, o);
        if (p[i].core != HG_CORE_BASELINE && last_of_its_curve(p, nsweep, i)) {
            char what[96];
            snprintf(what, sizeof what, "%s at %d keys, %s", WORK[p[i].work], p[i].context,
                     RP_CORE_NAME(p[i].core));
            print_ratio(what, rb, rg);
        }
    }
    rp_out_close(csv);
    fprintf(md,
            "\nWhere each core is memory-bound at this clock (the column \"memory-bound above MHz\": the "
            "core clock "
            "above which the roofline's memory time exceeds its compute time, which includes loading K and V "
            "into the core at one key per cycle):\n\n");
    cJSON *jb = cJSON_AddObjectToObject(js, "memory_bound");
    for (int w = 0; w < NWORK; w++)
        for (int c = 0; c < RP_NCORES; c++) {
            char t[128];
            bound_text(p, nsweep, c, w, t, sizeof t);
            fprintf(md, "- %s, %s: %s\n", RP_CORE_NAME(c), WORK[w], t);
            char key[64];
            snprintf(key, sizeof key, "%s-%s", RP_CORE_NAME(c), WORK[w]);
            cJSON_AddStringToObject(jb, key, t);
        }
    fprintf(md, "\n%s![time per query against context](system_time.png)\n",
            has_plot(p, nsweep, 0) ? "![energy per query against context](system_energy.png) " : "");
    write_dat(dir, p, nsweep, 0);
    write_dat(dir, p, nsweep, 1);
    if (nwide) wide_section(md, js, p, all, nwide, ce_wide, sf[0][1], sf[1][1]);
    int rc = plots(dir, p, nsweep);
    free(p);
    return rc;
}

int rp_system_section(FILE *md, const char *dir, cJSON *root, const cJSON *const *fid, int nfid,
                      const rp_sys_cost cost[RP_SYS_NCOST], const cJSON *const *sweep, int nsweep)
{
    fprintf(md, "\n## System: K and V from DRAM (the system model, docs/system.md)\n\n"
                "The cores verilated in a SystemC model with double-buffered K/V buffers, query and output "
                "buffers, DMA engines and one DRAM channel; the outputs are the bare cores' bit for bit.\n");
    cJSON *js = cJSON_AddObjectToObject(root, "system");
    minilm_layer(md, js, fid, nfid, cost);
    return nsweep ? sweep_section(md, dir, js, sweep, nsweep, cost) : 0;
}
