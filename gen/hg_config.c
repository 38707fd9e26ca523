/*
 * hg_config.c — defaults, validation and derived widths of a core configuration.
 */
#include "hg_config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const core_names[] = {"had", "baseline", "int8-topn"};
static const char *const core_shorts[] = {"had", "base", "i8topn"};

const char *hg_core_name(hg_core_kind k) { return core_names[k]; }
const char *hg_core_short(hg_core_kind k) { return core_shorts[k]; }

int hg_core_parse(const char *s, hg_core_kind *k)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(s, core_names[i]) == 0) {
            *k = (hg_core_kind)i;
            return 0;
        }
    }
    return -1;
}

int hg_cfg_topn(const hg_cfg *c) { return c->core != HG_CORE_BASELINE; }

int hg_clog2(long x)
{
    int b = 0;
    while ((1L << b) < x)
        b++;
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
    c->wb = 15;
    c->fb = 6;
    c->of = 8;
}

const char *const hg_cfg_options[] = {"core", "d", "lanes", "top-n", "max-keys", "weight-bits",
                                      "exp-frac-bits", "out-frac", "prefix", NULL};

static int parse_int(const char *opt, const char *s, int *v, char *err, size_t n)
{
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    const char *digits = s + (*s == '-' || *s == '+');
    if (errno || end == s || *end != '\0' || !(*digits >= '0' && *digits <= '9') ||
        x < INT_MIN || x > INT_MAX) {
        snprintf(err, n, "--%s '%s': not an integer", opt, s);
        return -1;
    }
    *v = (int)x;
    return 0;
}

int hg_cfg_set(hg_cfg *c, const char *opt, const char *val, char *err, size_t n)
{
    int *field[] = {NULL, &c->d, &c->p, &c->n, &c->l, &c->wb, &c->fb, &c->of};
    if (strcmp(opt, "core") == 0) {
        if (hg_core_parse(val, &c->core) == 0)
            return 0;
        snprintf(err, n, "--core '%s': must be had, baseline or int8-topn", val);
        return -1;
    }
    if (strcmp(opt, "prefix") == 0) {
        if (strlen(val) <= HG_PREFIX_MAX) {
            snprintf(c->prefix, sizeof c->prefix, "%s", val);
            return 0;
        }
        snprintf(err, n, "--prefix '%s': longer than %d characters", val, HG_PREFIX_MAX);
        return -1;
    }
    for (int i = 1; i < 8; i++)
        if (strcmp(opt, hg_cfg_options[i]) == 0)
            return parse_int(opt, val, field[i], err, n);
    snprintf(err, n, "--%s: not a configuration option", opt);
    return -1;
}

void hg_cfg_args(const hg_cfg *c, char *buf, size_t n)
{
    snprintf(buf, n, "--core %s --d %d --lanes %d --top-n %d --max-keys %d --weight-bits %d "
             "--exp-frac-bits %d --out-frac %d --prefix %s", hg_core_name(c->core), c->d, c->p,
             c->n, c->l, c->wb, c->fb, c->of, c->prefix[0] ? c->prefix : hg_core_short(c->core));
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
    if (v >= lo && v <= hi)
        return 0;
    snprintf(what, sizeof what, "must be in %d..%d", lo, hi);
    return bad(err, n, opt, v, what);
}

static int check_prefix(const char *p, char *err, size_t n)
{
    size_t len = strlen(p);
    int ok = len >= 1 && len <= HG_PREFIX_MAX && ((p[0] >= 'a' && p[0] <= 'z') || p[0] == '_');
    for (size_t i = 1; ok && i < len; i++)
        ok = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_';
    if (!ok)
        snprintf(err, n, "--prefix '%s': must be 1..%d characters of [a-z0-9_], starting with"
                 " a letter or '_'", p, HG_PREFIX_MAX);
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

int hg_cfg_finish(hg_cfg *c, char *err, size_t n)
{
    if (check_range(err, n, "d", c->d, HG_D_MIN, HG_D_MAX))
        return -1;
    if (c->d % 8 != 0)
        return bad(err, n, "d", c->d, "head dimension must be a multiple of 8 in 8..256");
    if (check_range(err, n, "max-keys", c->l, 1, HG_L_MAX) ||
        check_range(err, n, "lanes", c->p, 1, HG_P_MAX))
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
        check_range(err, n, "out-frac", c->of, 0, HG_OF_MAX))
        return -1;
    if (!c->prefix[0])
        snprintf(c->prefix, sizeof c->prefix, "%s", hg_core_short(c->core));
    if (check_prefix(c->prefix, err, n))
        return -1;

    int had = c->core == HG_CORE_HAD;
    c->g = cdiv(c->l, c->p);
    c->iw = imax(1, hg_clog2(c->l));
    c->kw = had ? c->d : 8 * c->d;
    c->mw = hg_clog2(c->d + 1);
    c->sw = had ? c->mw : 16 + hg_clog2(c->d);
    c->ns = hg_cfg_topn(c) ? c->n : c->l;
    c->r = hg_cfg_topn(c) ? cdiv(c->n, c->g) : c->p;
    c->ww = c->wb + 1;
    c->accw = c->wb + 8 + hg_clog2(c->ns);
    c->wsw = c->wb + 1 + hg_clog2(c->ns);
    c->rq = c->wsw + c->of + 8;
    c->ow = 8 + c->of;
    derive_norm(c);
    return 0;
}

uint32_t hg_exp_frac(const hg_cfg *c, int f)
{
    double x = ldexp(exp2(-(double)f / (double)(1 << c->fb)), c->wb);
    return (uint32_t)llround(x);
}
