/*
 * rp_vbits.c — the report's value-precision comparison (rp_vbits.h).
 */
#include "rp_vbits.h"

#include <math.h>
#include <string.h>

/* one run of --vbits (rp_variant_runs) */
static void add_run(void *ctx, const char *point, const char *dir, const char *path, cJSON *j)
{
    rp_vbits *s = ctx;
    if (s->n == RP_VBITS_MAX) {
        cJSON_Delete(j);
        rp_die("--vbits %s=%s: at most %d runs in all", point, dir, RP_VBITS_MAX);
    }
    char why[256] = "", cname[64];
    snprintf(cname, sizeof cname, "%s", rp_str(j, "core"));
    int core = rp_core_index(cname), vb = rp_whole(j, "params.v_bits");
    rp_vbits_run *r = &s->r[s->n];
    memset(r, 0, sizeof *r);
    const char *bad = core < 0 ? "is not a core type"
                      : vb < HG_VB_MIN || vb > 7
                          ? "params.v_bits must be a whole number in 2..7 (a core built "
                            "with hadgen --v-bits below 8; the point's own runs are the "
                            "8-bit reference)"
                      : rp_figs(j, &r->figs, why, sizeof why) != 0 ? why
                                                                   : NULL;
    if (bad) {
        cJSON_Delete(j);
        rp_die("--vbits: %s (core '%s'): %s", path, cname, bad);
    }
    snprintf(r->point, sizeof r->point, "%s", point);
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    r->core = core;
    r->vb = vb;
    r->run = j;
    s->n++;
}

void rp_vbits_add(rp_vbits *s, const char *arg) { rp_variant_runs("vbits", arg, add_run, s); }

void rp_vbits_add_fidelity(rp_vbits *s, const char *file)
{
    if (s->nf == RP_VBITS_MAX) rp_die("--vbits-fidelity '%s': at most %d files in all", file, RP_VBITS_MAX);
    rp_vbits_fid *f = &s->f[s->nf];
    rp_run_head_t h;
    char err[256];
    memset(f, 0, sizeof *f);
    f->j = rp_load_json(file);
    if (rp_run_head(f->j, 0, &h, err, sizeof err) != 0) {
        cJSON_Delete(f->j);
        rp_die("--vbits-fidelity '%s': %s (not hadrun --json output?)", file, err);
    }
    for (int i = 0; i < s->nf; i++)
        if (s->f[i].vb == h.vb && s->f[i].v_channel == h.v_channel && s->f[i].distilled == h.distilled) {
            cJSON_Delete(f->j);
            rp_die(
                "--vbits-fidelity '%s': a second run at %d value bits, a scale per %s, on the %s model (the "
                "first: '%s')",
                file, h.vb, h.v_channel ? "channel" : "head", h.distilled ? "distilled" : "original",
                s->f[i].file);
        }
    snprintf(f->file, sizeof f->file, "%s", file);
    f->vb = h.vb;
    f->v_channel = h.v_channel;
    f->distilled = h.distilled;
    s->nf++;
}

void rp_vbits_match(rp_vbits_run *r, const cJSON *base)
{
    rp_same_point("vbits", r->point, r->dir, r->core, r->run, base, 0);
    int bvb = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(base, "params"), "v_bits")
                  ? rp_whole(base, "params.v_bits")
                  : 8;
    if (bvb != 8)
        rp_die("--vbits %s=%s: the point's %s run has params.v_bits %d, not 8", r->point, r->dir,
               RP_CORE_NAME(r->core), bvb);
    char why[256] = "";
    if (rp_figs(base, &r->base_figs, why, sizeof why) != 0) rp_die("--vbits %s: %s", r->point, why);
    r->base = base;
}

/* The V memories' area of a summary in mm^2: every memory named *_vmem, times its instances. */
static double vmem_mm2(const cJSON *run)
{
    double a = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(run, "memories"))
    {
        const char *name = rp_str(m, "name");
        size_t l = strlen(name);
        if (l >= 5 && strcmp(name + l - 5, "_vmem") == 0) a += rp_num(m, "area_um2") * rp_num(m, "instances");
    }
    return a * 1e-6;
}

/* one row of the hardware table */
enum { F_VMEM, F_AV, F_LOGIC, F_AREA, F_POWER, F_EQ, NF };
static const char *const FKEY[NF] = {"vmem_area_mm2", "av_area_mm2", "logic_area_mm2",
                                     "area_mm2",      "power_mw",    "energy_per_query_nj"};
static const char *const RKEY[NF] = {"vmem_area", "av_area", "logic_area",
                                     "area",      "power",   "energy_per_query"};

static void figs_of(const cJSON *run, const rp_figs_t *f, double *x)
{
    x[F_VMEM] = vmem_mm2(run);
    x[F_AV] = rp_block(run, "av", "area_um2") * 1e-6;
    x[F_LOGIC] = f->area_logic;
    x[F_AREA] = f->area;
    x[F_POWER] = f->power;
    x[F_EQ] = f->e_query;
}

static cJSON *figs_json(const double *x, int ratio)
{
    cJSON *o = cJSON_CreateObject();
    for (int k = 0; k < NF; k++) cJSON_AddItemToObject(o, ratio ? RKEY[k] : FKEY[k], rp_json_num(x[k]));
    return o;
}

static void hardware(FILE *md, cJSON *out, const rp_vbits *s)
{
    fprintf(md,
            "| point | core | V bits | V memory mm^2 | AV unit mm^2 | logic mm^2 | total mm^2 | power mW | "
            "energy/query nJ |\n|---|---|---|---|---|---|---|---|---|\n");
    cJSON *arr = cJSON_AddArrayToObject(out, "hardware");
    for (int i = 0; i < s->n; i++) {
        const rp_vbits_run *r = &s->r[i];
        double b[NF], x[NF], q[NF];
        figs_of(r->base, &r->base_figs, b);
        figs_of(r->run, &r->figs, x);
        for (int k = 0; k < NF; k++) q[k] = rp_ratio(x[k], b[k]);
        const char *core = RP_CORE_NAME(r->core);
        const double *rows[2] = {b, x};
        for (int k = 0; k < 2; k++)
            fprintf(md, "| %s | %s | %d | %.4f | %.4f | %.3f | %.3f | %.2f | %.3f |\n", r->point, core,
                    k ? r->vb : 8, rows[k][F_VMEM], rows[k][F_AV], rows[k][F_LOGIC], rows[k][F_AREA],
                    rows[k][F_POWER], rows[k][F_EQ]);
        fprintf(
            md,
            "| %s | %s | **%d / 8** | **%.3f** | **%.3f** | **%.3f** | **%.3f** | **%.3f** | **%.3f** |\n",
            r->point, core, r->vb, q[F_VMEM], q[F_AV], q[F_LOGIC], q[F_AREA], q[F_POWER], q[F_EQ]);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "point", r->point);
        cJSON_AddStringToObject(o, "core", core);
        cJSON_AddNumberToObject(o, "v_bits", r->vb);
        cJSON_AddStringToObject(o, "run", r->dir);
        cJSON_AddItemToObject(o, "bits8", figs_json(b, 0));
        cJSON_AddItemToObject(o, "narrow", figs_json(x, 0));
        cJSON_AddItemToObject(o, "ratio", figs_json(q, 1));
        cJSON_AddItemToArray(arr, o);
    }
}

/* The point's HAD and baseline runs at v_bits vb (8: the references), NULL when missing. */
static const rp_vbits_run *find(const rp_vbits *s, const char *point, int core, int vb)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->r[i].point, point) == 0 && s->r[i].core == core && s->r[i].vb == vb) return &s->r[i];
    return NULL;
}

static void had_over_baseline(FILE *md, cJSON *out, const rp_vbits *s)
{
    int any = 0;
    cJSON *arr = NULL;
    for (int i = 0; i < s->n; i++) {
        const rp_vbits_run *h = &s->r[i], *b = find(s, h->point, HG_CORE_BASELINE, h->vb);
        if (h->core != HG_CORE_HAD || !b) continue;
        if (!any) {
            fprintf(md,
                    "\nHAD against the baseline when both narrow V alike (the fairness rule: the same V, the "
                    "same memories):\n\n| point | V bits | HAD / baseline total area | HAD / baseline energy "
                    "per query |\n|---|---|---|---|\n");
            arr = cJSON_AddArrayToObject(out, "had_over_baseline");
            any = 1;
        }
        double a8 = rp_ratio(h->base_figs.area, b->base_figs.area),
               e8 = rp_ratio(h->base_figs.e_query, b->base_figs.e_query);
        double an = rp_ratio(h->figs.area, b->figs.area), en = rp_ratio(h->figs.e_query, b->figs.e_query);
        fprintf(md, "| %s | 8 | %.3f | %.3f |\n| %s | %d | %.3f | %.3f |\n", h->point, a8, e8, h->point,
                h->vb, an, en);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "point", h->point);
        cJSON_AddNumberToObject(o, "v_bits", h->vb);
        cJSON_AddItemToObject(o, "area_bits8", rp_json_num(a8));
        cJSON_AddItemToObject(o, "energy_per_query_bits8", rp_json_num(e8));
        cJSON_AddItemToObject(o, "area_narrow", rp_json_num(an));
        cJSON_AddItemToObject(o, "energy_per_query_narrow", rp_json_num(en));
        cJSON_AddItemToArray(arr, o);
    }
}

/* The row of a golden backend in a hadrun --json file, NULL when it did not run. */
static const cJSON *backend(const cJSON *j, const char *name)
{
    const cJSON *b;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(j, "backends"))
    {
        if (strcmp(rp_str(b, "backend"), name) == 0) return b;
    }
    return NULL;
}

static void fidelity(FILE *md, cJSON *out, const rp_vbits *s)
{
    int cols[RP_VBITS_MAX], nv = 0; /* value width * 2 + per channel: widest first, per head first */
    for (int i = 0; i < s->nf; i++) {
        int key = s->f[i].vb * 2 + s->f[i].v_channel, k = 0;
        while (k < nv && cols[k] != key) k++;
        if (k == nv) cols[nv++] = key;
    }
    for (int i = 0; i < nv; i++)
        for (int k = i + 1; k < nv; k++)
            if (cols[k] / 2 > cols[i] / 2 || (cols[k] / 2 == cols[i] / 2 && cols[k] < cols[i])) {
                int t = cols[i];
                cols[i] = cols[k], cols[k] = t;
            }
    static const struct {
        const char *label, *backend;
        int distilled;
    } rows[] = {{"HAD distilled", "golden-had", 1},
                {"HAD post-training", "golden-had", 0},
                {"baseline", "golden-baseline", 0},
                {"int8-topn", "golden-int8-topn", 0}};
    fprintf(
        md,
        "\nFidelity with V quantized to B bits (golden models, the evaluation sentences, against the "
        "original float model; s_V = the calibration's percentile of |v| / (2^(B-1) - 1), one scale per "
        "head, or one per channel of V: `hadrun --v-scale channel`, which costs the core nothing, as each "
        "output dimension is a weighted mean of one channel). Cells: embedding cosine mean / pair err / "
        "nearest-neighbour agreement.\n\n| backend |");
    for (int i = 0; i < nv; i++)
        fprintf(md, " V %d bits%s |", cols[i] / 2, cols[i] % 2 ? ", per channel" : "");
    fprintf(md, "\n|---|");
    for (int i = 0; i < nv; i++) fprintf(md, "---|");
    fprintf(md, "\n");
    cJSON *arr = cJSON_AddArrayToObject(out, "fidelity");
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        double v[RP_VBITS_MAX][3];
        int shown = 0;
        for (int i = 0; i < nv; i++) {
            const cJSON *b = NULL;
            for (int k = 0; k < s->nf && !b; k++)
                if (s->f[k].vb * 2 + s->f[k].v_channel == cols[i] && s->f[k].distilled == rows[r].distilled)
                    b = backend(s->f[k].j, rows[r].backend);
            v[i][0] = b ? rp_num(b, "cos_mean") : NAN;
            v[i][1] = b ? rp_num(b, "pair_cos_err") : NAN;
            v[i][2] = b ? rp_num(b, "nn_agree") : NAN;
            shown |= b != NULL;
        }
        if (!shown) continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "backend", rows[r].label);
        cJSON *cells = cJSON_AddObjectToObject(o, "by_v_bits");
        fprintf(md, "| %s |", rows[r].label);
        for (int i = 0; i < nv; i++) {
            if (isnan(v[i][0]))
                fprintf(md, " - |");
            else
                fprintf(md, " %.4f / %.4f / %.3f |", v[i][0], v[i][1], v[i][2]);
            char key[32];
            snprintf(key, sizeof key, "%d%s", cols[i] / 2, cols[i] % 2 ? "_channel" : "");
            cJSON *f = cJSON_AddObjectToObject(cells, key);
            cJSON_AddItemToObject(f, "cos_mean", rp_json_num(v[i][0]));
            cJSON_AddItemToObject(f, "pair_cos_err", rp_json_num(v[i][1]));
            cJSON_AddItemToObject(f, "nn_agree", rp_json_num(v[i][2]));
        }
        fprintf(md, "\n");
        cJSON_AddItemToArray(arr, o);
    }
    fprintf(md, "\nFiles:");
    for (int i = 0; i < s->nf; i++) fprintf(md, " `%s`", s->f[i].file);
    fprintf(md, ".\n");
}

void rp_vbits_section(FILE *md, cJSON *root, const rp_vbits *s)
{
    if (!s->n && !s->nf) return;
    fprintf(md,
            "\n## Value precision (hadgen --v-bits)\n\n"
            "Every core stores V and multiplies it by the softmax weights; `--v-bits B` makes each V "
            "element a B-bit signed value (8 by default). It narrows the V memory (L x d x B bits), the AV "
            "unit's multipliers and accumulators and the normalizer's output; the schedule is the same.\n");
    cJSON *out = cJSON_AddObjectToObject(root, "value_bits");
    if (s->n) {
        fprintf(md,
                "\nThe same configuration on the same head, V quantized to B bits for the narrow run (its "
                "captures checked against the golden model at B bits).\n\n");
        hardware(md, out, s);
        had_over_baseline(md, out, s);
        fprintf(md,
                "\nA ratio inside the synthesis noise band (make report-noise) is not a difference of the "
                "designs. Runs:");
        for (int i = 0; i < s->n; i++) fprintf(md, " `%s`", s->r[i].dir);
        fprintf(md, ".\n");
    }
    if (s->nf) fidelity(md, out, s);
}

void rp_vbits_free(rp_vbits *s)
{
    for (int i = 0; i < s->n; i++) cJSON_Delete(s->r[i].run);
    for (int i = 0; i < s->nf; i++) cJSON_Delete(s->f[i].j);
    s->n = s->nf = 0;
}
