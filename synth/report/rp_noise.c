/*
 * rp_noise.c — the synthesis noise band (rp_noise.h).
 */
#include "rp_noise.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

rp_spread rp_noise_spread(const double *v, int n)
{
    rp_spread s = {v[0], v[0], NAN};
    for (int i = 1; i <= n; i++) {
        s.lo = fmin(s.lo, v[i]);
        s.hi = fmax(s.hi, v[i]);
        if (v[0] > 0) {
            double d = fabs(v[i] / v[0] - 1);
            s.dev = isnan(s.dev) ? d : fmax(s.dev, d);
        }
    }
    return s;
}

/* The figures and block values of summary j into sample k of p (core c); rp_die on a summary
   without them. */
static void take(rp_noise_point *p, int k, int c, const cJSON *j, const char *path, const rp_noise *nz)
{
    char err[256];
    if (rp_figs(j, &p->figs[k][c], err, sizeof err) != 0) rp_die("--noise: %.1200s: %s", path, err);
    for (int b = 0; b < nz->nblocks; b++) {
        p->area[k][c][b] = rp_block(j, nz->blocks[b], "area_um2");
        p->power[k][c][b] = rp_block(j, nz->blocks[b], "power_uw");
    }
}

const char *rp_noise_unfit(const cJSON *j, const cJSON *base, int salt)
{
    static const char *const same[] = {"params.d",        "params.lanes",    "params.top_n",
                                       "params.max_keys", "activity.cycles", "activity.queries"};
    if (!base) return "the point has no run of this core type";
    if (salt < 1) return "no syn_salt >= 1 (a flow run without SYN_SALT is not a perturbed repeat)";
    if (strcmp(rp_str(cJSON_GetObjectItem(j, "activity"), "gate_level_check"), "pass") != 0)
        return "its gate-level check did not pass";
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
        if (!(rp_num(j, same[k]) == rp_num(base, same[k])))
            return "another configuration, stimulus or activity window than the point's run (params.d, "
                   "lanes, top_n, max_keys, activity.cycles and activity.queries must match)";
    return NULL;
}

static rp_noise_point *point_of(rp_noise *nz, const char *name, const cJSON *const *base)
{
    for (int i = 0; i < nz->npoints; i++)
        if (strcmp(nz->pt[i].name, name) == 0) return &nz->pt[i];
    if (nz->npoints == RP_NOISE_MAX_POINTS) rp_die("--noise: at most %d points", RP_NOISE_MAX_POINTS);
    rp_noise_point *p = &nz->pt[nz->npoints++];
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    for (int c = 0; c < RP_NCORES; c++)
        if (base[c]) {
            p->have[c] = 1;
            take(p, 0, c, base[c], name, nz);
        }
    return p;
}

void rp_noise_add(rp_noise *nz, const char *name, const cJSON *const *base, const char *dirs,
                  const char *const *blocks, int nblocks)
{
    nz->blocks = blocks;
    nz->nblocks = nblocks;
    rp_noise_point *p = point_of(nz, name, base);
    if (p->nrep == RP_NOISE_MAX_REPS)
        rp_die("--noise %s: at most %d repeats of a point", name, RP_NOISE_MAX_REPS);
    int k = p->nrep + 1, got[RP_NCORES] = {0};
    char list[8192];
    if (snprintf(list, sizeof list, "%s", dirs) >= (int)sizeof list)
        rp_die("--noise %s: the run list is longer than %zu characters", name, sizeof list - 1);
    p->salt[k] = 0;
    for (char *d = strtok(list, ","); d; d = strtok(NULL, ",")) {
        char path[1200];
        rp_summary_path(path, sizeof path, "noise", d);
        cJSON *j = rp_load_json(path);
        int c = rp_core_index(rp_str(j, "core")), salt = rp_whole(j, "syn_salt");
        const char *bad = c < 0                              ? "unknown core type"
                          : got[c]                           ? "a second run of this core type in one repeat"
                          : p->salt[k] && salt != p->salt[k] ? "another syn_salt than the repeat's other runs"
                                                             : rp_noise_unfit(j, base[c], salt);
        for (int r = 1; !bad && r < k; r++)
            if (p->salt[r] == salt) bad = "a syn_salt an earlier repeat of the point has";
        if (bad) {
            char msg[1600];
            snprintf(msg, sizeof msg, "--noise %s: %.1200s: %s", name, path, bad);
            cJSON_Delete(j);
            rp_die("%s", msg);
        }
        p->salt[k] = salt;
        got[c] = 1;
        take(p, k, c, j, path, nz);
        cJSON_Delete(j);
    }
    for (int c = 0; c < RP_NCORES; c++)
        if (p->have[c] && !got[c])
            rp_die("--noise %s: the repeat has no %s run (the point has)", name, RP_CORE_NAME(c));
    p->nrep = k;
}

/* ---- the section ---------------------------------------------------------------------- */

typedef struct {
    const char *what, *unit;
    int dec;    /* decimals shown */
    size_t off; /* of the rp_figs_t field */
} figure;

static const figure figures[] = {
    {"logic area", "mm^2", 3, offsetof(rp_figs_t, area_logic)},
    {"Fmax", "MHz", 1, offsetof(rp_figs_t, fmax)},
    {"logic power", "mW", 1, offsetof(rp_figs_t, power_logic)},
    {"energy/query", "nJ", 1, offsetof(rp_figs_t, e_query)},
};
#define NFIG (int)(sizeof figures / sizeof figures[0])

static double fig(const rp_figs_t *f, const figure *g) { return *(const double *)((const char *)f + g->off); }

/* One row of the figures table and its JSON object. */
static void row(FILE *md, cJSON *arr, const char *what, const char *unit, const char *core, int dec,
                const double *v, int n)
{
    rp_spread s = rp_noise_spread(v, n);
    fprintf(md, "| %s%s%s | %s | %.*f | %.*f-%.*f | %.2f%% |\n", what, *unit ? " " : "", unit, core, dec,
            v[0], dec, s.lo, dec, s.hi, 100 * s.dev);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "figure", what);
    cJSON_AddStringToObject(o, "unit", unit);
    cJSON_AddStringToObject(o, "core", core);
    cJSON_AddNumberToObject(o, "unperturbed", v[0]);
    cJSON_AddNumberToObject(o, "min", s.lo);
    cJSON_AddNumberToObject(o, "max", s.hi);
    cJSON_AddNumberToObject(o, "max_deviation", s.dev);
    cJSON_AddItemToArray(arr, o);
}

static void point_figures(FILE *md, cJSON *jp, const rp_noise_point *p)
{
    int n = p->nrep;
    double v[RP_NOISE_MAX_REPS + 1];
    cJSON *arr = cJSON_AddArrayToObject(jp, "figures");
    fprintf(md, "| figure | core | unperturbed | range | largest deviation |\n|---|---|---|---|---|\n");
    for (int g = 0; g < NFIG; g++)
        for (int c = 0; c < RP_NCORES; c++) {
            if (!p->have[c]) continue;
            for (int k = 0; k <= n; k++) v[k] = fig(&p->figs[k][c], &figures[g]);
            row(md, arr, figures[g].what, figures[g].unit, RP_CORE_NAME(c), figures[g].dec, v, n);
        }
    const int base = HG_CORE_BASELINE;
    for (int g = 0; p->have[base] && g < NFIG; g++) {
        if (g == 1) continue; /* Fmax ratios: not a headline figure */
        for (int c = 0; c < RP_NCORES; c++) {
            if (!p->have[c] || c == base) continue;
            for (int k = 0; k <= n; k++)
                v[k] = fig(&p->figs[k][c], &figures[g]) / fig(&p->figs[k][base], &figures[g]);
            char what[64], core[64];
            snprintf(what, sizeof what, "%s ratio", figures[g].what);
            snprintf(core, sizeof core, "%s / %s", RP_CORE_NAME(c), RP_CORE_NAME(base));
            row(md, arr, what, "", core, 3, v, n);
        }
    }
}

/* The largest deviation of each block's power and area; the largest of all into *worst. */
static void point_blocks(FILE *md, cJSON *jp, const rp_noise *nz, const rp_noise_point *p, double worst[2])
{
    int n = p->nrep;
    fprintf(md, "\nLargest deviation per block, power / area:\n\n| core |");
    for (int b = 0; b < nz->nblocks; b++) fprintf(md, " %s |", nz->blocks[b]);
    fprintf(md, "\n|---|");
    for (int b = 0; b < nz->nblocks; b++) fprintf(md, "---|");
    fprintf(md, "\n");
    cJSON *jb = cJSON_AddObjectToObject(jp, "blocks");
    for (int c = 0; c < RP_NCORES; c++) {
        if (!p->have[c]) continue;
        cJSON *jc = cJSON_AddObjectToObject(jb, RP_CORE_NAME(c));
        fprintf(md, "| %s |", RP_CORE_NAME(c));
        for (int b = 0; b < nz->nblocks; b++) {
            double pw[RP_NOISE_MAX_REPS + 1], ar[RP_NOISE_MAX_REPS + 1];
            for (int k = 0; k <= n; k++) pw[k] = p->power[k][c][b], ar[k] = p->area[k][c][b];
            rp_spread sp = rp_noise_spread(pw, n), sa = rp_noise_spread(ar, n);
            if (isnan(sp.dev) || isnan(sa.dev)) { /* the core has no such block */
                fprintf(md, " - |");
                continue;
            }
            fprintf(md, " %.2f%% / %.2f%% |", 100 * sp.dev, 100 * sa.dev);
            worst[0] = fmax(worst[0], sp.dev);
            worst[1] = fmax(worst[1], sa.dev);
            cJSON *o = cJSON_AddObjectToObject(jc, nz->blocks[b]);
            cJSON_AddNumberToObject(o, "power_max_deviation", sp.dev);
            cJSON_AddNumberToObject(o, "area_max_deviation", sa.dev);
        }
        fprintf(md, "\n");
    }
}

void rp_noise_section(FILE *md, cJSON *root, const rp_noise *nz)
{
    if (nz->npoints == 0) return;
    fprintf(md, "\n## Synthesis noise: the same logic under null perturbations\n\nEach point's flow runs "
                "repeated with SYN_SALT = s (docs/synth.md, \"Synthesis noise\"): abc maps a copy of each "
                "module's logic whose inputs, outputs and nodes it has permuted with seed s, so every repeat "
                "is another netlist of the same function, checked against the RTL at gate level on the same "
                "captures and window. The spread is the flow's own noise: two reports that differ by less "
                "say nothing about a design change. Range: over the unperturbed run and the repeats; "
                "deviation: |repeat / unperturbed - 1|.\n");
    cJSON *jn = cJSON_AddArrayToObject(root, "noise");
    for (int i = 0; i < nz->npoints; i++) {
        const rp_noise_point *p = &nz->pt[i];
        cJSON *jp = cJSON_CreateObject();
        cJSON_AddStringToObject(jp, "point", p->name);
        cJSON *js = cJSON_AddArrayToObject(jp, "salts");
        fprintf(md, "\n### `%s`: %d repeat%s (salt%s", p->name, p->nrep, p->nrep == 1 ? "" : "s",
                p->nrep == 1 ? "" : "s");
        for (int k = 1; k <= p->nrep; k++) {
            fprintf(md, "%s%d", k > 1 ? ", " : " ", p->salt[k]);
            cJSON_AddItemToArray(js, cJSON_CreateNumber(p->salt[k]));
        }
        fprintf(md, ")\n\n");
        point_figures(md, jp, p);
        double worst[2] = {0, 0};
        point_blocks(md, jp, nz, p, worst);
        fprintf(md, "\nLargest block deviation at this point: power %.2f%%, area %.2f%%.\n", 100 * worst[0],
                100 * worst[1]);
        cJSON_AddNumberToObject(jp, "block_power_max_deviation", worst[0]);
        cJSON_AddNumberToObject(jp, "block_area_max_deviation", worst[1]);
        cJSON_AddItemToArray(jn, jp);
    }
}
