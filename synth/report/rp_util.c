/* rp_util.c — shared helpers of the report tools (see rp_util.h). */
#include "rp_util.h"
#include "hg_file.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *rp_prog = "hgreport";

void rp_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", rp_prog);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(2);
}

char *rp_read_text(const char *path, const char *what, long max_bytes)
{
    char why[512];
    size_t n = 0;
    char *buf = hg_file_read(path, max_bytes, &n, why, sizeof why);
    if (!buf) rp_die("%s '%s': %s", what, path, why);
    if (memchr(buf, 0, n)) rp_die("%s '%s': holds a NUL byte (not text)", what, path);
    return buf;
}

cJSON *rp_load_json(const char *path)
{
    char *buf = rp_read_text(path, "JSON file", RP_MAX_JSON);
    cJSON *j = cJSON_Parse(buf);
    free(buf);
    if (!j) rp_die("'%s': not valid JSON", path);
    return j;
}

int rp_plain_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || !isalnum((unsigned char)s[0])) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_') return 0;
    return 1;
}

/* The item at a dotted path, NULL if missing. */
static const cJSON *at_path(const cJSON *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const cJSON *c = j;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok && c; tok = strtok_r(NULL, ".", &save))
        c = cJSON_GetObjectItemCaseSensitive(c, tok);
    return c;
}

double rp_num(const cJSON *j, const char *path)
{
    const cJSON *c = at_path(j, path);
    return cJSON_IsNumber(c) ? c->valuedouble : NAN;
}

double rp_num_or(const cJSON *j, const char *path, double absent)
{
    const cJSON *c = at_path(j, path);
    return !c ? absent : cJSON_IsNumber(c) ? c->valuedouble : NAN;
}

const char *rp_str(const cJSON *j, const char *key)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(c) ? c->valuestring : "";
}

int rp_core_index(const char *name)
{
    hg_core_kind k;
    return hg_core_parse(name, &k) == 0 ? (int)k : -1;
}

/* Output files being written (hg_file: a temporary name beside the final one, renamed by
   rp_out_close); what is still open at exit is removed. */
#define RP_MAX_OUT 32
static hg_wfile rp_outs[RP_MAX_OUT];

static void rp_out_cleanup(void)
{
    for (int i = 0; i < RP_MAX_OUT; i++)
        if (rp_outs[i].f) hg_file_discard(&rp_outs[i]);
}

FILE *rp_out_file(const char *dir, const char *name)
{
    static int registered;
    if (!registered) registered = atexit(rp_out_cleanup) == 0;
    int i = 0;
    while (i < RP_MAX_OUT && rp_outs[i].f) i++;
    assert(i < RP_MAX_OUT);
    char path[HG_FILE_PATH_MAX], why[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (hg_file_begin(&rp_outs[i], path, why, sizeof why) != 0) {
        fprintf(stderr, "%s: cannot write '%s': %s\n", rp_prog, path, why);
        exit(1);
    }
    return rp_outs[i].f;
}

void rp_out_close(FILE *f)
{
    int i = 0;
    while (i < RP_MAX_OUT && rp_outs[i].f != f) i++;
    assert(i < RP_MAX_OUT);
    char why[512];
    if (hg_file_commit(&rp_outs[i], why, sizeof why) != 0) {
        fprintf(stderr, "%s: cannot write '%s': %s\n", rp_prog, rp_outs[i].path, why);
        exit(1);
    }
    rp_outs[i].f = NULL;
}

int rp_figs(const cJSON *r, rp_figs_t *f, char *err, size_t n)
{
    static const char *const keys[] = {
        "clock_period_ns",       "totals.logic_area_um2",    "totals.memory_area_um2",
        "totals.area_um2",       "timing.fmax_mhz",          "throughput.queries_per_s_at_fmax",
        "totals.logic_power_uw", "totals.memory_power_uw",   "totals.power_uw",
        "energy.per_query_nj",   "energy.per_query_node_nj", "energy.queries_per_mj_node",
        "throughput.ii_cycles"};
    double v[sizeof keys / sizeof keys[0]];
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        v[i] = rp_num(r, keys[i]);
        if (!isfinite(v[i])) {
            snprintf(err, n, "key %s missing or not a finite number", keys[i]);
            return -1;
        }
    }
    *f = (rp_figs_t){.area_logic = v[1] * 1e-6,
                     .area_mem = v[2] * 1e-6,
                     .area = v[3] * 1e-6,
                     .fmax = v[4],
                     .qps = v[5],
                     .power_logic = v[6] * 1e-3,
                     .power_mem = v[7] * 1e-3,
                     .power = v[8] * 1e-3,
                     .e_query = v[9],
                     .e_query_node = v[10],
                     .qpmj_node = v[11],
                     .ii = v[12]};
    return 0;
}

int rp_blocks(const cJSON *r, const char **names, int *count, int max, char *err, size_t n)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(r, "blocks"), *x;
    if (!cJSON_IsObject(b)) {
        snprintf(err, n, "key blocks missing or not an object");
        return -1;
    }
    cJSON_ArrayForEach(x, b)
    {
        if (!isfinite(rp_num(x, "area_um2")) || !isfinite(rp_num(x, "power_uw"))) {
            snprintf(err, n, "key blocks.%s: area_um2 and power_uw must be finite numbers", x->string);
            return -1;
        }
        int k = 0;
        while (k < *count && strcmp(names[k], x->string) != 0) k++;
        if (k < *count) continue;
        if (*count == max) {
            snprintf(err, n, "more than %d blocks", max);
            return -1;
        }
        names[(*count)++] = x->string;
    }
    return 0;
}

double rp_block(const cJSON *r, const char *name, const char *what)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "blocks"), name);
    double v = b ? rp_num(b, what) : 0;
    return isfinite(v) ? v : 0;
}

int rp_whole(const cJSON *j, const char *path)
{
    double v = rp_num(j, path);
    return v >= 1 && v <= 1 << 30 && v == floor(v) ? (int)v : 0;
}

int rp_summary_point(const cJSON *s, rp_point_t *x, char *err, size_t n)
{
    static const char *const params[4] = {"params.d", "params.lanes", "params.top_n", "params.max_keys"};
    int *dst[4] = {&x->d, &x->p, &x->n, &x->l};
    x->core = rp_core_index(rp_str(s, "core"));
    if (x->core < 0) {
        char names[64];
        snprintf(err, n, "unknown core type '%s' (allowed: %s)", rp_str(s, "core"),
                 hg_core_choices(names, sizeof names, ", ", ", "));
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        *dst[i] = rp_whole(s, params[i]);
        if (*dst[i] < 1 || *dst[i] > 1000000) {
            snprintf(err, n, "%s missing or not a whole number in 1..1000000 (not a flow summary.json?)",
                     params[i]);
            return -1;
        }
    }
    char why[128];
    if (rp_figs(s, &x->f, why, sizeof why) != 0) {
        snprintf(err, n, "%s (did the flow finish?)", why);
        return -1;
    }
    if (!(x->f.area > 0 && x->f.e_query > 0 && x->f.fmax > 0) || isinf(x->f.area) || isinf(x->f.e_query) ||
        isinf(x->f.fmax)) {
        snprintf(err, n,
                 "area %g um2*1e-6, energy %g nJ and Fmax %g MHz must be finite and > 0 (a flow without "
                 "timing or power?)",
                 x->f.area, x->f.e_query, x->f.fmax);
        return -1;
    }
    return 0;
}

int rp_run_head(const cJSON *j, int need_d, rp_run_head_t *h, char *err, size_t n)
{
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j, "backends"))) {
        snprintf(err, n, "no backends array");
        return -1;
    }
    h->n = rp_whole(j, "core.top_n");
    h->tokens = rp_whole(j, "sentences.max_tokens");
    h->d = rp_whole(j, "core.d");
    const char *miss = !h->n             ? "core.top_n"
                       : !h->tokens      ? "sentences.max_tokens"
                       : need_d && !h->d ? "core.d"
                                         : NULL;
    if (miss) {
        snprintf(err, n, "%s missing or not a whole number >= 1", miss);
        return -1;
    }
    const cJSON *vb = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "core"), "v_bits");
    h->vb = vb ? rp_whole(j, "core.v_bits") : 8;
    if (h->vb < HG_VB_MIN || h->vb > HG_VB_MAX) {
        snprintf(err, n, "core.v_bits is not a whole number in %d..%d", HG_VB_MIN, HG_VB_MAX);
        return -1;
    }
    const cJSON *vs =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "core"), "v_scale");
    h->v_channel = cJSON_IsString(vs) && strcmp(vs->valuestring, "channel") == 0;
    if (vs && !h->v_channel && !(cJSON_IsString(vs) && strcmp(vs->valuestring, "head") == 0)) {
        snprintf(err, n, "core.v_scale is not \"head\" or \"channel\"");
        return -1;
    }
    h->distilled = cJSON_IsTrue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "model"), "distilled"));
    return 0;
}

/* s single-quoted for sh into out (a quote becomes '\''); 0, or -1 if it does not fit. */
static int sh_quote(char *out, size_t n, const char *s)
{
    size_t k = 0;
    if (n < 3) return -1;
    out[k++] = '\'';
    for (; *s; s++) {
        const char *piece = *s == '\'' ? "'\\''" : NULL;
        size_t len = piece ? 4 : 1;
        if (k + len + 2 > n) return -1;
        if (piece)
            memcpy(out + k, piece, len);
        else
            out[k] = *s;
        k += len;
    }
    out[k++] = '\'';
    out[k] = '\0';
    return 0;
}

int rp_gnuplot(const char *dir, const char *script, const char *log)
{
    char cmd[4400], qd[2048], qs[1024], ql[1024];
    if (sh_quote(qd, sizeof qd, dir) || sh_quote(qs, sizeof qs, script) || sh_quote(ql, sizeof ql, log)) {
        fprintf(stderr, "%s: gnuplot: folder or file name too long\n", rp_prog);
        return 1;
    }
    snprintf(cmd, sizeof cmd, "cd %s && gnuplot %s > %s 2>&1", qd, qs, ql);
    if (system(cmd) != 0) {
        fprintf(stderr, "%s: gnuplot failed, see %s/%s\n", rp_prog, dir, log);
        return 1;
    }
    return 0;
}

void rp_write_json(const char *dir, const char *name, const cJSON *j)
{
    char *text = cJSON_Print(j);
    FILE *f = rp_out_file(dir, name);
    fprintf(f, "%s\n", text ? text : "null");
    rp_out_close(f);
    cJSON_free(text);
}

double rp_ratio(double a, double b) { return b > 0 ? a / b : NAN; }

int rp_summary_cut(const cJSON *s, hg_cut_kind *cut, char *err, size_t n)
{
    const char *cs = rp_str(cJSON_GetObjectItem(s, "params"), "sort_cut");
    *cut = HG_CUT_AUTO;
    if (!cs[0] || hg_cut_parse(cs, cut) == 0) return 0;
    snprintf(err, n, "params.sort_cut '%.40s' must be auto, on or off", cs);
    return -1;
}

int rp_summary_sel(const cJSON *s, hg_sel_kind *sel, hg_cut_kind *cut, char *err, size_t n)
{
    const char *ss = rp_str(cJSON_GetObjectItem(s, "params"), "selector");
    *sel = HG_SEL_MERGE;
    if (ss[0] && hg_sel_parse(ss, sel) != 0) {
        char names[64];
        snprintf(err, n, "params.selector '%.40s' is not a selector (%s)", ss,
                 hg_sel_choices(names, sizeof names, ", ", " or "));
        return -1;
    }
    return rp_summary_cut(s, cut, err, n);
}

int rp_same_sel(const cJSON *a, const cJSON *b)
{
    hg_sel_kind sa, sb;
    hg_cut_kind ca, cb;
    char why[128];
    return rp_summary_sel(a, &sa, &ca, why, sizeof why) == 0 &&
           rp_summary_sel(b, &sb, &cb, why, sizeof why) == 0 && sa == sb && ca == cb;
}

const char *rp_sel_label(char *buf, size_t n, hg_sel_kind sel, hg_cut_kind cut)
{
    snprintf(buf, n, "%s%s%s", hg_sel_name(sel), cut != HG_CUT_AUTO ? ", sort cut " : "",
             cut != HG_CUT_AUTO ? hg_cut_name(cut) : "");
    return buf;
}

int rp_summary_fan(const cJSON *s, int *fan, char *err, size_t n)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(s, "params");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "av_fan");
    *fan = HG_AV_FAN_AUTO;
    if (!v) return 0;
    char text[32], why[160];
    if (cJSON_IsString(v))
        snprintf(text, sizeof text, "%.30s", v->valuestring);
    else if (cJSON_IsNumber(v) && fabs(v->valuedouble) <= 1e6 && v->valuedouble == floor(v->valuedouble))
        snprintf(text, sizeof text, "%d", (int)v->valuedouble);
    else {
        snprintf(err, n, "params.av_fan: must be auto, off or the dimensions a fan-out stage serves (1..d)");
        return -1;
    }
    hg_cfg c = {0};
    if (hg_cfg_set(&c, "av-fan", text, why, sizeof why) != 0) {
        snprintf(err, n,
                 "params.av_fan '%s': must be auto, off or the dimensions a fan-out stage serves (1..d)",
                 text);
        return -1;
    }
    double d = rp_num(p, "d");
    if (c.fan_opt > 0 && (!isfinite(d) || c.fan_opt > d)) {
        snprintf(err, n, "params.av_fan %d: a fan-out stage serves 1..d (params.d %g) dimensions", c.fan_opt,
                 d);
        return -1;
    }
    *fan = c.fan_opt;
    return 0;
}

const char *rp_fan_label(char *buf, size_t n, int fan)
{
    if (fan == HG_AV_FAN_AUTO)
        snprintf(buf, n, "%s", "");
    else if (fan == HG_AV_FAN_OFF)
        snprintf(buf, n, "AV fan off");
    else
        snprintf(buf, n, "AV fan %d", fan);
    return buf;
}

cJSON *rp_json_num(double x) { return isfinite(x) ? cJSON_CreateNumber(x) : cJSON_CreateNull(); }

const char *rp_fig_range(char *buf, size_t n, double x, double lo, double hi, int bold)
{
    const char *b = bold ? "**" : "";
    if (!isfinite(x))
        snprintf(buf, n, "n/a");
    else if (!isfinite(lo) || !isfinite(hi) || lo == hi)
        snprintf(buf, n, "%s%.3f%s", b, x, b);
    else
        snprintf(buf, n, "%s%.3f%s (%.3f-%.3f)", b, x, b, lo, hi);
    return buf;
}

void rp_summary_path(char *path, size_t n, const char *opt, const char *dir)
{
    if (snprintf(path, n, "%s/reports/summary.json", dir) >= (int)n)
        rp_die("--%s: run folder '%.64s...' is longer than %zu characters", opt, dir, n - 22);
}

void rp_variant_runs(const char *opt, const char *arg, rp_variant_fn add, void *ctx)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) rp_die("--%s '%s': must be NAME=RUN_DIR[,RUN_DIR...]", opt, arg);
    char name[64], dirs[8192];
    snprintf(name, sizeof name, "%.*s", (int)(eq - arg), arg);
    if (!rp_plain_name(name)) rp_die("--%s '%s': NAME '%s' is not a point name", opt, arg, name);
    if (snprintf(dirs, sizeof dirs, "%s", eq + 1) >= (int)sizeof dirs)
        rp_die("--%s '%.64s...': its run list is longer than %zu characters", opt, arg, sizeof dirs - 1);
    for (char *d = strtok(dirs, ","); d; d = strtok(NULL, ",")) {
        char path[1200];
        rp_summary_path(path, sizeof path, opt, d);
        add(ctx, name, d, path, rp_load_json(path));
    }
}

void rp_same_point(const char *opt, const char *point, const char *dir, int core, const cJSON *run,
                   const cJSON *base, int same_cycles)
{
    if (!base)
        rp_die("--%s %s=%s: the point has no %s run to compare with", opt, point, dir, RP_CORE_NAME(core));
    static const char *const same[] = {"params.d",        "params.lanes",     "params.top_n",
                                       "params.max_keys", "activity.queries", "activity.cycles"};
    for (size_t i = 0; i < sizeof same / sizeof same[0] - !same_cycles; i++) {
        double a = rp_num(run, same[i]), b = rp_num(base, same[i]);
        if (!(a == b))
            rp_die("--%s %s=%s: %s is %g, the point's %s run has %g (the same configuration on the same "
                   "stimulus is "
                   "compared)",
                   opt, point, dir, same[i], a, RP_CORE_NAME(core), b);
    }
}
