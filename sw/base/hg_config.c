/*
 * hg_config.c — defaults, validation and derived widths of a core configuration.
 */
#include "hg_config.h"

#include <cjson/cJSON.h>

#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HG_CORE(kind, name, short_name, sel, summary) name,
static const char *const core_names[HG_NCORES] = {
#include "hg_cores.def"
};
#undef HG_CORE
#define HG_CORE(kind, name, short_name, sel, summary) short_name,
static const char *const core_shorts[HG_NCORES] = {
#include "hg_cores.def"
};
#undef HG_CORE
#define HG_CORE(kind, name, short_name, sel, summary) summary,
static const char *const core_summaries[HG_NCORES] = {
#include "hg_cores.def"
};
#undef HG_CORE
#define HG_CORE(kind, name, short_name, sel, summary) HG_SEL_##sel,
static const hg_sel_kind core_sels[HG_NCORES] = {
#include "hg_cores.def"
};
#undef HG_CORE

const char *hg_core_name(hg_core_kind k) { return core_names[k]; }
const char *hg_core_short(hg_core_kind k) { return core_shorts[k]; }
const char *hg_core_summary(hg_core_kind k) { return core_summaries[k]; }
hg_sel_kind hg_core_sel(hg_core_kind k) { return core_sels[k]; }

void hg_cfg_set_core(hg_cfg *c, hg_core_kind k)
{
    c->core = k;
    if (!c->sel_given) c->sel = core_sels[k];
}

/* the index of s in names[0..count), or -1 */
static int name_index(const char *s, const char *const *names, int count)
{
    for (int i = 0; i < count; i++)
        if (strcmp(s, names[i]) == 0) return i;
    return -1;
}

int hg_core_parse(const char *s, hg_core_kind *k)
{
    int i = name_index(s, core_names, HG_NCORES);
    if (i >= 0) *k = (hg_core_kind)i;
    return i >= 0 ? 0 : -1;
}

/* names[0..count) joined by sep, the last by last, into buf (truncated to n) */
static char *join_names(char *buf, size_t n, const char *const *names, int count, const char *sep,
                        const char *last)
{
    size_t at = 0;
    if (n) buf[0] = '\0';
    for (int i = 0; i < count && at < n; i++) {
        const char *before = i == 0 ? "" : i == count - 1 ? last : sep;
        int w = snprintf(buf + at, n - at, "%s%s", before, names[i]);
        at += w > 0 ? (size_t)w : 0;
    }
    return buf;
}

char *hg_core_choices(char *buf, size_t n, const char *sep, const char *last)
{
    return join_names(buf, n, core_names, HG_NCORES, sep, last);
}

static const char *const sel_names[HG_NSELS] = {"merge", "bitonic", "counting", "twostage"};
/* a selector that publishes its list later than merge: the same throughput, more latency */
static const int sel_later[HG_NSELS] = {0, 0, 1, 1};

char *hg_sel_choices(char *buf, size_t n, const char *sep, const char *last)
{
    return join_names(buf, n, sel_names, HG_NSELS, sep, last);
}

int hg_sel_later(hg_sel_kind k) { return k >= 0 && k < HG_NSELS && sel_later[k]; }

const char *hg_sel_name(hg_sel_kind k) { return k >= 0 && k < HG_NSELS ? sel_names[k] : "?"; }

int hg_sel_parse(const char *s, hg_sel_kind *k)
{
    int i = name_index(s, sel_names, HG_NSELS);
    if (i >= 0) *k = (hg_sel_kind)i;
    return i >= 0 ? 0 : -1;
}

static const char *const cut_names[HG_NCUTS] = {"off", "on", "auto"};

const char *hg_cut_name(hg_cut_kind k) { return k >= 0 && k < HG_NCUTS ? cut_names[k] : "?"; }

int hg_cut_parse(const char *s, hg_cut_kind *k)
{
    int i = name_index(s, cut_names, HG_NCUTS);
    if (i >= 0) *k = (hg_cut_kind)i;
    return i >= 0 ? 0 : -1;
}

int hg_cfg_topn(const hg_cfg *c) { return c->core != HG_CORE_BASELINE; }

int hg_clog2(long x)
{
    int b = 0;
    while ((1L << b) < x) b++;
    return b;
}

static int imax(int a, int b) { return a > b ? a : b; }
static int cdiv(int a, int b) { return (a + b - 1) / b; }

void hg_cfg_default(hg_cfg *c, hg_core_kind core)
{
    memset(c, 0, sizeof *c);
    c->core = core;
    c->d = 64;
    c->p = 16;
    c->n = 32;
    c->l = 1024;
    c->wb = 8;
    c->fb = 6;
    c->of = 8;
    c->vb = 8;
    c->lw = 1;
    c->sel = core_sels[core];
    c->cut = HG_CUT_AUTO;
}

const char *const hg_cfg_options[] = {
    "core",   "d",          "lanes",    "top-n",    "max-keys",    "weight-bits", "exp-frac-bits", "out-frac",
    "v-bits", "load-width", "selector", "sort-cut", "etab-shadow", "av-fan",      "prefix",        NULL};

static int parse_int(const char *opt, const char *s, int *v, char *err, size_t n)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    const char *digits = s + (*s == '-' || *s == '+');
    if (errno || end == s || *end != '\0' || !(*digits >= '0' && *digits <= '9') || x < INT_MIN ||
        x > INT_MAX) {
        snprintf(err, n, "--%s '%s': not an integer", opt, s);
        return -1;
    }
    *v = (int)x;
    return 0;
}

int hg_cfg_set(hg_cfg *c, const char *opt, const char *val, char *err, size_t n)
{
    int *field[] = {NULL, &c->d, &c->p, &c->n, &c->l, &c->wb, &c->fb, &c->of, &c->vb, &c->lw};
    if (strcmp(opt, "core") == 0) {
        hg_core_kind k;
        if (hg_core_parse(val, &k) == 0) {
            hg_cfg_set_core(c, k);
            return 0;
        }
        char names[64];
        snprintf(err, n, "--core '%s': must be %s", val, hg_core_choices(names, sizeof names, ", ", " or "));
        return -1;
    }
    if (strcmp(opt, "selector") == 0) {
        if (hg_sel_parse(val, &c->sel) == 0) {
            c->sel_given = 1;
            return 0;
        }
        char names[64];
        snprintf(err, n, "--selector '%s': must be %s", val,
                 hg_sel_choices(names, sizeof names, ", ", " or "));
        return -1;
    }
    if (strcmp(opt, "sort-cut") == 0) {
        if (hg_cut_parse(val, &c->cut) == 0) return 0;
        snprintf(err, n, "--sort-cut '%s': must be auto, on or off", val);
        return -1;
    }
    if (strcmp(opt, "etab-shadow") == 0) {
        if (strcmp(val, "on") == 0 || strcmp(val, "off") == 0) {
            c->shadow = strcmp(val, "on") == 0;
            return 0;
        }
        snprintf(err, n, "--etab-shadow '%s': must be on or off", val);
        return -1;
    }
    if (strcmp(opt, "av-fan") == 0) {
        if (strcmp(val, "auto") == 0 || strcmp(val, "off") == 0) {
            c->fan_opt = val[0] == 'a' ? HG_AV_FAN_AUTO : HG_AV_FAN_OFF;
            return 0;
        }
        int v;
        if (parse_int(opt, val, &v, err, n) != 0 || v < 1) {
            snprintf(err, n,
                     "--av-fan '%s': must be auto, off or the dimensions behind each fan-out stage (1..d)",
                     val);
            return -1;
        }
        c->fan_opt = v;
        return 0;
    }
    if (strcmp(opt, "prefix") == 0) {
        if (strlen(val) <= HG_PREFIX_MAX) {
            snprintf(c->prefix, sizeof c->prefix, "%s", val);
            return 0;
        }
        snprintf(err, n, "--prefix '%s': longer than %d characters", val, HG_PREFIX_MAX);
        return -1;
    }
    for (int i = 1; i < (int)(sizeof field / sizeof field[0]); i++)
        if (strcmp(opt, hg_cfg_options[i]) == 0) return parse_int(opt, val, field[i], err, n);
    snprintf(err, n, "--%s: not a configuration option", opt);
    return -1;
}

const char *hg_cfg_fan_text(const hg_cfg *c, char *buf, size_t n)
{
    if (c->fan_opt == HG_AV_FAN_AUTO || c->fan_opt == HG_AV_FAN_OFF)
        snprintf(buf, n, "%s", c->fan_opt == HG_AV_FAN_AUTO ? "auto" : "off");
    else
        snprintf(buf, n, "%d", c->fan_opt);
    return buf;
}

void hg_cfg_args(const hg_cfg *c, char *buf, size_t n)
{
    char fan[16];
    snprintf(buf, n,
             "--core %s --d %d --lanes %d --top-n %d --max-keys %d --weight-bits %d "
             "--exp-frac-bits %d --out-frac %d --v-bits %d --load-width %d --selector %s --sort-cut %s "
             "--etab-shadow %s --av-fan %s --prefix %s",
             hg_core_name(c->core), c->d, c->p, c->n, c->l, c->wb, c->fb, c->of, c->vb, c->lw,
             hg_sel_name(c->sel), hg_cut_name(c->cut), c->shadow ? "on" : "off",
             hg_cfg_fan_text(c, fan, sizeof fan), c->prefix[0] ? c->prefix : hg_core_short(c->core));
}

/* Writes a "--opt value: problem" message and returns -1. */
static int bad(char *err, size_t n, const char *opt, long v, const char *what)
{
    snprintf(err, n, "--%s %ld: %s", opt, v, what);
    return -1;
}

static int check_range(char *err, size_t n, const char *opt, int v, int lo, int hi)
{
    char what[96];
    if (v >= lo && v <= hi) return 0;
    snprintf(what, sizeof what, "must be in %d..%d", lo, hi);
    return bad(err, n, opt, v, what);
}

int hg_cfg_prefix_ok(const char *p, size_t len)
{
    int ok = len >= 1 && len <= HG_PREFIX_MAX && ((p[0] >= 'a' && p[0] <= 'z') || p[0] == '_');
    for (size_t i = 1; ok && i < len; i++)
        ok = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_';
    return ok;
}

static int check_prefix(const char *p, char *err, size_t n)
{
    int ok = hg_cfg_prefix_ok(p, strlen(p));
    if (!ok)
        snprintf(err, n,
                 "--prefix '%s': must be 1..%d characters of [a-z0-9_], starting with"
                 " a letter or '_'",
                 p, HG_PREFIX_MAX);
    return ok ? 0 : -1;
}

/* Normalizer schedule: the reciprocal takes cr cycles and the multiplies cm cycles; both
   fit in the query budget max(g, 2) so the normalizer keeps up with the score phase. */
static void derive_norm(hg_cfg *c)
{
    int budget = imax(c->g, 2);
    int cr_target = imax(1, budget / 3);
    c->bpc = cdiv(c->rq + 1, cr_target);
    c->cr = cdiv(c->rq + 1, c->bpc);
    int cm_target = imax(1, budget - c->cr);
    c->mn = cdiv(c->d, cm_target);
    c->cm = cdiv(c->d, c->mn);
    c->ii = imax(c->g, c->cr + c->cm);
}

/* The twostage selector's sort (rtl/src/hg_topn_bitonic.v, PIPE = 1): lq = clog2(P) levels of
   a bitonic sorter, lq(lq+1)/2 compare-exchange levels; the merge stage has clog2(N) + 1. The
   cut goes after the sorter level k that makes the longer part, max(k(k+1)/2, lq(lq+1)/2 -
   k(k+1)/2), shortest; 0: no cut (off; auto when the sort is shallower than the merge). */
static int sort_cut_level(const hg_cfg *c)
{
    int lq = hg_clog2(c->p), levels = lq * (lq + 1) / 2, best = 0, worst = levels;
    if (c->cut == HG_CUT_OFF || (c->cut == HG_CUT_AUTO && levels < hg_clog2(c->n) + 1)) return 0;
    for (int k = 1; k < lq; k++) {
        int w = imax(k * (k + 1) / 2, levels - k * (k + 1) / 2);
        if (w < worst) worst = w, best = k;
    }
    return best;
}

/* --sort-cut on and off are choices of the twostage selector's sort; on needs a sort of two
   levels or more (lanes >= 3). */
static int check_cut(const hg_cfg *c, char *err, size_t n)
{
    if (c->cut != HG_CUT_AUTO && c->sel != HG_SEL_TWOSTAGE) {
        snprintf(err, n,
                 "--sort-cut %s: only --selector twostage has a sort to cut (this core: --selector %s%s);"
                 " leave it at auto",
                 hg_cut_name(c->cut), hg_sel_name(c->sel),
                 hg_cfg_topn(c) ? "" : ", and the baseline selects none");
        return -1;
    }
    if (c->cut == HG_CUT_ON && c->p < 3) {
        snprintf(err, n,
                 "--sort-cut on: --lanes %d sorts its candidates in %d compare-exchange level%s, nothing to"
                 " cut: needs --lanes >= 3 (or --sort-cut auto or off)",
                 c->p, c->p > 1, c->p > 1 ? "" : "s");
        return -1;
    }
    return 0;
}

int hg_cfg_finish(hg_cfg *c, char *err, size_t n)
{
    if (check_range(err, n, "d", c->d, HG_D_MIN, HG_D_MAX)) return -1;
    if (c->d % 8 != 0) return bad(err, n, "d", c->d, "head dimension must be a multiple of 8 in 8..256");
    if (check_range(err, n, "max-keys", c->l, 1, HG_L_MAX) || check_range(err, n, "lanes", c->p, 1, HG_P_MAX))
        return -1;
    if (c->p > c->l) {
        char what[96];
        snprintf(what, sizeof what, "lanes must not exceed --max-keys (%d)", c->l);
        return bad(err, n, "lanes", c->p, what);
    }
    if (c->n < 1 || c->n > c->l) {
        char what[96];
        snprintf(what, sizeof what, "top-N must be in 1..--max-keys (1..%d)", c->l);
        return bad(err, n, "top-n", c->n, what);
    }
    if (check_range(err, n, "weight-bits", c->wb, HG_WB_MIN, HG_WB_MAX) ||
        check_range(err, n, "exp-frac-bits", c->fb, HG_FB_MIN, HG_FB_MAX) ||
        check_range(err, n, "out-frac", c->of, 0, HG_OF_MAX) ||
        check_range(err, n, "v-bits", c->vb, HG_VB_MIN, HG_VB_MAX))
        return -1;
    if (c->lw < 1 || c->lw > c->p || (c->lw & (c->lw - 1)) != 0 || c->p % c->lw != 0) {
        char what[128];
        snprintf(what, sizeof what, "keys per load beat must be a power of two that divides --lanes (%d)",
                 c->p);
        return bad(err, n, "load-width", c->lw, what);
    }
    if (!c->prefix[0]) snprintf(c->prefix, sizeof c->prefix, "%s", hg_core_short(c->core));
    if (check_prefix(c->prefix, err, n)) return -1;

    int had = c->core == HG_CORE_HAD;
    c->g = cdiv(c->l, c->p);
    c->iw = imax(1, hg_clog2(c->l));
    c->kw = had ? c->d : 8 * c->d;
    c->vw = c->vb * c->d;
    c->mw = hg_clog2(c->d + 1);
    c->sw = had ? c->mw : 16 + hg_clog2(c->d);
    if (c->sel == HG_SEL_COUNTING && !had) {
        snprintf(err, n,
                 "--selector counting: needs --core had (it counts the keys at each of the d+1 match "
                 "levels; %s scores have 2^%d levels): use merge, bitonic or twostage",
                 hg_core_name(c->core), c->sw);
        return -1;
    }
    if (check_cut(c, err, n)) return -1;
    if (c->shadow && !had) {
        snprintf(err, n,
                 "--etab-shadow on: only --core had has an exp table to shadow (%s computes its weights "
                 "with exp units from two registers)",
                 hg_core_name(c->core));
        return -1;
    }
    c->ns = hg_cfg_topn(c) ? c->n : c->l;
    c->r = hg_cfg_topn(c) ? cdiv(c->n, c->g) : c->p;
    c->ww = c->wb + 1;
    c->ew = 32 / c->ww;
    c->xw = imax(1, hg_clog2(cdiv(c->d + 1, c->ew) + c->shadow));
    c->accw = c->wb + c->vb + hg_clog2(c->ns);
    c->wsw = c->wb + 1 + hg_clog2(c->ns);
    c->rq = c->wsw + c->of + c->vb;
    c->ow = c->vb + c->of;
    derive_norm(c);
    c->kc = c->sel == HG_SEL_TWOSTAGE ? sort_cut_level(c) : 0;
    if (c->fan_opt > c->d) {
        snprintf(err, n,
                 "--av-fan %d: a fan-out stage serves 1..d (%d) dimensions of the AV unit (or auto, off)",
                 c->fan_opt, c->d);
        return -1;
    }
    if (c->fan_opt < HG_AV_FAN_OFF) {
        snprintf(err, n, "--av-fan %d: must be auto, off or 1..d (%d)", c->fan_opt, c->d);
        return -1;
    }
    if (c->fan_opt == HG_AV_FAN_AUTO)
        c->fan = c->d > HG_AV_FAN ? HG_AV_FAN : 0;
    else
        c->fan = c->fan_opt == HG_AV_FAN_OFF ? 0 : c->fan_opt;
    return 0;
}

uint32_t hg_exp_frac(const hg_cfg *c, int f)
{
    double x = ldexp(exp2(-(double)f / (double)(1 << c->fb)), c->wb);
    return (uint32_t)llround(x);
}

const hg_cfg_field hg_cfg_derived[] = {{"groups", offsetof(hg_cfg, g)},
                                       {"index_width", offsetof(hg_cfg, iw)},
                                       {"key_bits", offsetof(hg_cfg, kw)},
                                       {"value_bits", offsetof(hg_cfg, vw)},
                                       {"score_width", offsetof(hg_cfg, sw)},
                                       {"av_slots", offsetof(hg_cfg, r)},
                                       {"weight_width", offsetof(hg_cfg, ww)},
                                       {"acc_width", offsetof(hg_cfg, accw)},
                                       {"wsum_width", offsetof(hg_cfg, wsw)},
                                       {"recip_q", offsetof(hg_cfg, rq)},
                                       {"out_width", offsetof(hg_cfg, ow)},
                                       {"recip_bits_per_cycle", offsetof(hg_cfg, bpc)},
                                       {"recip_cycles", offsetof(hg_cfg, cr)},
                                       {"norm_mults", offsetof(hg_cfg, mn)},
                                       {"norm_mul_cycles", offsetof(hg_cfg, cm)},
                                       {"ii_cycles", offsetof(hg_cfg, ii)},
                                       {"sort_cut_level", offsetof(hg_cfg, kc)},
                                       {"etab_per_write", offsetof(hg_cfg, ew)},
                                       {"etab_addr_width", offsetof(hg_cfg, xw)},
                                       {"av_fan", offsetof(hg_cfg, fan)},
                                       {NULL, 0}};

int hg_cfg_field_value(const hg_cfg *c, const hg_cfg_field *f)
{
    int v;
    memcpy(&v, (const char *)c + f->offset, sizeof v);
    return v;
}

/* The manifest's name of command-line option opt: '-' written as '_' ("top-n" -> "top_n"). */
static void json_name(const char *opt, char *buf, size_t n)
{
    snprintf(buf, n, "%s", opt);
    for (char *p = buf; *p; p++)
        if (*p == '-') *p = '_';
}

/* Sets option opt of c from the manifest's value v: a string (core, prefix) or an integral
   number in int range (the others), then through hg_cfg_set like the command line. */
static int set_from_json(hg_cfg *c, const char *opt, const cJSON *v, char *err, size_t n)
{
    char name[32], text[HG_PREFIX_MAX + 64];
    json_name(opt, name, sizeof name);
    int is_text = strcmp(opt, "core") == 0 || strcmp(opt, "prefix") == 0 || strcmp(opt, "selector") == 0 ||
                  strcmp(opt, "sort-cut") == 0 || strcmp(opt, "etab-shadow") == 0 ||
                  (strcmp(opt, "av-fan") == 0 && cJSON_IsString(v)); /* "auto", "off" or a number */
    if (is_text) {
        if (!cJSON_IsString(v)) {
            snprintf(err, n, "params.%s: must be a string", name);
            return -1;
        }
        if (strlen(v->valuestring) > HG_PREFIX_MAX + 8) {
            snprintf(err, n, "params.%s: longer than %d characters", name, HG_PREFIX_MAX);
            return -1;
        }
        snprintf(text, sizeof text, "%s", v->valuestring);
    } else {
        double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
        if (!isfinite(x) || x != floor(x) || x < INT_MIN || x > INT_MAX) {
            snprintf(err, n, "params.%s: must be an integer", name);
            return -1;
        }
        snprintf(text, sizeof text, "%d", (int)x);
    }
    if (hg_cfg_set(c, opt, text, err, n) != 0) return -1;
    return 0;
}

int hg_cfg_from_manifest(hg_cfg *c, const char *text, size_t len, char *err, size_t n)
{
    cJSON *root = cJSON_ParseWithLength(text, len);
    int rc = -1;
    char name[32];
    const cJSON *gen = cJSON_GetObjectItemCaseSensitive(root, "generator");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");
    const cJSON *derived = cJSON_GetObjectItemCaseSensitive(root, "derived");
    if (!cJSON_IsObject(root)) {
        snprintf(err, n, "not a JSON object");
        goto done;
    }
    if (!cJSON_IsString(gen) || strcmp(gen->valuestring, "hadgen") != 0) {
        snprintf(err, n, "not a manifest written by hadgen (no \"generator\": \"hadgen\")");
        goto done;
    }
    if (!cJSON_IsObject(params)) {
        snprintf(err, n, "no \"params\" object");
        goto done;
    }
    hg_cfg_default(c, HG_CORE_HAD);
    /* a manifest without params.selector predates --selector, when every core was built with merge */
    if (!cJSON_GetObjectItemCaseSensitive(params, "selector")) {
        c->sel = HG_SEL_MERGE;
        c->sel_given = 1;
    }
    for (const cJSON *v = params->child; v; v = v->next) {
        int known = 0;
        for (int i = 0; hg_cfg_options[i] && !known; i++) {
            json_name(hg_cfg_options[i], name, sizeof name);
            known = v->string && strcmp(v->string, name) == 0;
        }
        if (!known) {
            snprintf(err, n,
                     "params.%.64s: not a configuration parameter (allowed: core, d, "
                     "lanes, top_n, max_keys, weight_bits, exp_frac_bits, out_frac, v_bits, load_width,"
                     " selector, sort_cut, etab_shadow, av_fan, prefix)",
                     v->string ? v->string : "?");
            goto done;
        }
    }
    for (int i = 0; hg_cfg_options[i]; i++) {
        json_name(hg_cfg_options[i], name, sizeof name);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);
        if (!v && strcmp(hg_cfg_options[i], "selector") == 0) continue;    /* before --selector: merge */
        if (!v && strcmp(hg_cfg_options[i], "v-bits") == 0) continue;      /* before --v-bits: 8 */
        if (!v && strcmp(hg_cfg_options[i], "load-width") == 0) continue;  /* before --load-width: 1 */
        if (!v && strcmp(hg_cfg_options[i], "sort-cut") == 0) continue;    /* before --sort-cut: auto */
        if (!v && strcmp(hg_cfg_options[i], "etab-shadow") == 0) continue; /* before --etab-shadow: off */
        if (!v && strcmp(hg_cfg_options[i], "av-fan") == 0) continue;      /* before --av-fan: auto */
        if (!v) {
            snprintf(err, n, "params.%s: missing (a hadgen manifest holds every parameter)", name);
            goto done;
        }
        if (set_from_json(c, hg_cfg_options[i], v, err, n) != 0) goto done;
    }
    if (hg_cfg_finish(c, err, n) != 0) goto done;
    if (derived && !cJSON_IsObject(derived)) {
        snprintf(err, n, "\"derived\": must be an object");
        goto done;
    }
    for (const cJSON *v = derived ? derived->child : NULL; v; v = v->next) {
        const hg_cfg_field *f = hg_cfg_derived;
        while (f->name && !(v->string && strcmp(v->string, f->name) == 0)) f++;
        if (!f->name) {
            snprintf(err, n,
                     "derived.%.64s: not a derived value of this hadgen (a manifest of"
                     " another version?)",
                     v->string ? v->string : "?");
            goto done;
        }
        int mine = hg_cfg_field_value(c, f);
        if (!cJSON_IsNumber(v) || v->valuedouble != (double)mine) {
            snprintf(err, n,
                     "derived.%s: the manifest says %.17g, these parameters give %d (a "
                     "manifest of another version of hadgen, or edited?)",
                     f->name, cJSON_IsNumber(v) ? v->valuedouble : NAN, mine);
            goto done;
        }
    }
    rc = 0;
done:
    cJSON_Delete(root);
    return rc;
}

uint32_t hg_etab_copy(const hg_cfg *c) { return HG_CFG_ETAB + (uint32_t)((c->d + c->ew) / c->ew); }

int hg_etab_words(const hg_cfg *c, const uint32_t *etab, uint32_t *words)
{
    int e = c->ew, n = (c->d + e) / e;
    uint32_t wmax = 1u << c->wb;
    for (int j = 0; j < n; j++) {
        uint32_t w = 0;
        for (int f = 0; f < e && j * e + f <= c->d; f++) {
            uint32_t v = etab[j * e + f];
            w |= (v > wmax ? wmax : v) << (f * c->ww);
        }
        words[j] = w;
    }
    return n;
}
