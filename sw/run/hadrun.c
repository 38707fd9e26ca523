/*
 * hadrun — runs real transformer layers with their attention heads on a chosen backend
 * (float, HAD in float, golden or simulated HAD / int8 baseline / int8 + top-N core) and
 * measures the fidelity against float attention; optionally writes embeddings, metrics as
 * JSON, and the K, V, Q streams of chosen heads for hgsim and the power flow. With a
 * distilled HAD model (--model DIR holding had.json) the HAD backends run on it with its
 * learned alpha, and the reference and the other backends on its teacher (--teacher).
 * docs/run.md has the details.
 *
 * Exit codes: 0 success; 1 run failure (simulation error, RTL != golden with --check);
 * 2 bad command line or input (option value, sentence file, model, calibration file).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "enc_bert.h"
#include "hg_config.h"
#include "hg_file.h"
#include "hg_util.h"
#include "hr_attn.h"
#include "hr_calib.h"
#include "hr_corpus.h"
#include "hr_dump.h"
#include "hr_eval.h"
#include "hr_hadmodel.h"
#include "hr_json.h"
#include "tok_wordpiece.h"

#define DEF_SENTENCES "sw/data/sentences_eval.txt"
#define DEF_CALIB_SET "sw/data/sentences_calib.txt"
#define DEF_CALIB     "build/calib_minilm.json"
/* Default backends: float and the golden model of every core type. */
static const char *def_backends(void)
{
    static char buf[256];
    char golden[224];
    snprintf(buf, sizeof buf, "float,%s", hr_kind_names(golden, sizeof golden, HR_GOLDEN(0), HR_RTL(0), ","));
    return buf;
}
#define DEF_PCT        100.0
#define MAX_DUMP_HEADS 256
#define REPEAT_MAX     100

static void usage(FILE *f)
{
    char k1[256], k2[256];
    fprintf(f,
            "usage: hadrun [options]\n"
            "\n"
            "Runs sentences through the float encoder with every attention head on the chosen\n"
            "backends and prints their fidelity against float attention (docs/run.md).\n"
            "A model directory holding had.json (make model-had) is a distilled HAD model: the HAD\n"
            "backends run on it with its learned alpha and top-N; the float reference and the\n"
            "other backends run on its teacher.\n"
            "\n"
            "input and output:\n"
            "  --sentences FILE      one sentence per line, UTF-8, at most 64 MiB (default\n"
            "                        " DEF_SENTENCES ")\n"
            "  --limit N             use the first N sentences, 1..1000000 (default: all)\n"
            "  --max-tokens N        tokens per sentence incl. [CLS]/[SEP], 2..max positions of the\n"
            "                        model (default 128); --max-keys must be at least this\n"
            "  --model DIR           model directory (default $HADGEN_MODEL, else build/model)\n"
            "  --teacher DIR         with a distilled --model: the original model, reference of every\n"
            "                        metric and model of the non-HAD backends; its hash must equal\n"
            "                        had.json's base_model_hash (default $HADGEN_MODEL, else\n"
            "                        build/model)\n"
            "  --backend LIST        comma-separated backends, or 'all' (default\n"
            "                        %s):\n"
            "                        %s\n"
            "                        %s\n"
            "  --embeddings FILE     write the sentence embeddings: one line per backend and\n"
            "                        sentence: BACKEND INDEX v0 .. v(hidden-1)\n"
            "  --json FILE           write every metric as JSON (deterministic: no times)\n"
            "  --check               RTL backends: also run the golden model, count differing outputs\n"
            "                        (exit 1 if any)\n"
            "  --repeat N            run the whole pass N times, 1..100, and report the median wall\n"
            "                        time per backend (benchmark; default 1)\n"
            "  --quiet               no progress on stderr\n"
            "\n"
            "calibration:\n"
            "  --calib FILE          calibration file, reused if made for this model, sentence set\n"
            "                        and percentile, else recomputed and written (default\n"
            "                        " DEF_CALIB ")\n"
            "  --calib-sentences FILE  calibration sentences (default " DEF_CALIB_SET ")\n"
            "  --calib-pct P         int8 scales = P-th percentile of |x| / 127, %g..100 (default %g:\n"
            "                        the maximum)\n"
            "  --student-calib FILE  calibration of a distilled model (its s_v; made with its own HAD\n"
            "                        attention), reused and rewritten like --calib (default: the\n"
            "                        --calib path with _student before .json)\n"
            "  --recalibrate         recompute the calibration even if the file matches\n"
            "  --v-scale head|channel  the cores' V quantized with one scale per head (default) or one\n"
            "                        per channel of V (the calibration's per-channel percentiles; each\n"
            "                        output dimension takes its channel's scale, the core is the same)\n"
            "\n"
            "stream dumps (real stimulus for hgsim and the power flow):\n"
            "  --dump-streams DIR    write K, V, Q, golden outputs and head.json per core type,\n"
            "                        head and sentence under DIR (new, empty, or made by hadrun)\n"
            "  --dump-heads L:H[,L:H...]  heads to dump (layer, head from 0); required with\n"
            "                        --dump-streams\n"
            "  --dump-sentences K    dump the first K sentences, 1..number of sentences (default 1)\n"
            "\n"
            "core options (as for hadgen; default the MiniLM point --d <model head dim> --lanes 8\n"
            "  --top-n 16 --max-keys 128): --d --lanes --top-n --max-keys --weight-bits\n"
            "  --exp-frac-bits --out-frac --v-bits --load-width --selector --sort-cut --etab-shadow\n"
            "  --av-fan --prefix. --d\n"
            "  must equal the model's head dimension; --v-bits B quantizes V to B bits at the\n"
            "  calibration's percentile.\n"
            "  The core type follows each backend, so --core is not accepted, and so does the\n"
            "  selector unless --selector is given (merge for both top-N cores); --etab-shadow on\n"
            "  builds the HAD backends' cores with the shadow exp table. With a distilled\n"
            "  model --top-n defaults to its trained N (had.json top_n), and --v-bits and --v-scale\n"
            "  to the values it was trained with (had.json recipe v_bits, v_scale; 8 bits if none).\n"
            "  --cache DIR           simulation build cache (default $HADGEN_SIM_CACHE or build/sim)\n"
            "\n"
            "system backends (sys-*: the cores in the SystemC system model, docs/system.md):\n"
            "  --sys-cores C         core instances, 1..64 (default 1; head h on instance h %% C)\n"
            "  --sys-clock-mhz F     core clock (default 100)\n"
            "  --sys-dram NAME       DRAM preset (default lpddr4; hgsys --list-dram)\n"
            "  --help                this text\n"
            "\n"
            "Every path is checked before the run: inputs are regular files, outputs writable and\n"
            "none of them an input; outputs are written to a temporary name, then renamed.\n",
            def_backends(), hr_kind_names(k1, sizeof k1, HR_FLOAT, HR_RTL(0), " "),
            hr_kind_names(k2, sizeof k2, HR_RTL(0), HR_NKINDS, " "), HR_CALIB_PCT_MIN, DEF_PCT);
}

/* Everything the command line chooses. */
typedef struct opts {
    const char *sentences, *model, *backends, *emb_path, *json_path, *calib, *calib_set;
    const char *dump_dir, *dump_heads, *cache, *teacher, *student_calib, *sys_dram;
    long limit, dump_sentences;
    int max_tokens, check, repeat, quiet, recalibrate, d_given, top_n_given, sys_cores, v_channel;
    int v_bits_given, v_scale_given;
    double pct, sys_clock;
    hg_cfg core;
} opts;

/* Exits 2 with a message naming the option. */
static void bad(const char *opt, const char *val, const char *what)
{
    fprintf(stderr, "hadrun: --%s '%s': %s\n", opt, val, what);
    exit(2);
}

static long parse_long(const char *opt, const char *s, long lo, long hi)
{
    char msg[96];
    long v = 0;
    if (hg_parse_long(s, lo, hi, &v) != 0) {
        snprintf(msg, sizeof msg, "must be an integer in %ld..%ld", lo, hi);
        bad(opt, s, msg);
    }
    return v;
}

enum {
    O_CFG = 1,
    O_SENT,
    O_LIMIT,
    O_MAXTOK,
    O_MODEL,
    O_BACKEND,
    O_EMB,
    O_JSON,
    O_CHECK,
    O_REPEAT,
    O_QUIET,
    O_CALIB,
    O_CALIBSET,
    O_PCT,
    O_RECAL,
    O_DUMP,
    O_DHEADS,
    O_DSENT,
    O_CACHE,
    O_TEACHER,
    O_SCALIB,
    O_SYS_CORES,
    O_SYS_CLOCK,
    O_SYS_DRAM,
    O_VSCALE,
    O_HELP
};

/* The defaults: the MiniLM operating point, the default sentence and backend lists. */
static void opts_default(opts *o)
{
    *o = (opts){.sentences = DEF_SENTENCES,
                .backends = def_backends(),
                .calib = DEF_CALIB,
                .calib_set = DEF_CALIB_SET,
                .max_tokens = TOK_DEFAULT_MAX_LEN,
                .repeat = 1,
                .pct = DEF_PCT,
                .dump_sentences = -1};
    hg_cfg_default(&o->core, HG_CORE_HAD);
    o->core.d = 32;
    o->core.p = 8;
    o->core.n = 16;
    o->core.l = 128;
}

/* Applies option `name` (id ch, value arg) to o; exits 2 on a bad value. */
static void set_option(opts *o, int ch, const char *name, const char *arg)
{
    char err[512];
    switch (ch) {
    case O_CFG:
        if (strcmp(name, "core") == 0)
            bad("core", arg,
                "not used by hadrun: the core type follows each backend "
                "(choose with --backend)");
        if (hg_cfg_set(&o->core, name, arg, err, sizeof err) != 0) {
            fprintf(stderr, "hadrun: %s\n", err);
            exit(2);
        }
        o->d_given |= strcmp(name, "d") == 0;
        o->top_n_given |= strcmp(name, "top-n") == 0;
        o->v_bits_given |= strcmp(name, "v-bits") == 0;
        break;
    case O_SENT: o->sentences = arg; break;
    case O_LIMIT: o->limit = parse_long("limit", arg, 1, 1000000); break;
    case O_MAXTOK: o->max_tokens = (int)parse_long("max-tokens", arg, 2, 1 << 20); break;
    case O_MODEL: o->model = arg; break;
    case O_BACKEND: o->backends = arg; break;
    case O_EMB: o->emb_path = arg; break;
    case O_JSON: o->json_path = arg; break;
    case O_CHECK: o->check = 1; break;
    case O_REPEAT: o->repeat = (int)parse_long("repeat", arg, 1, REPEAT_MAX); break;
    case O_QUIET: o->quiet = 1; break;
    case O_CALIB: o->calib = arg; break;
    case O_CALIBSET: o->calib_set = arg; break;
    case O_PCT: {
        char msg[64];
        if (hg_parse_double(arg, &o->pct) != 0 || !(o->pct >= HR_CALIB_PCT_MIN && o->pct <= 100.0)) {
            snprintf(msg, sizeof msg, "must be a number in %g..100", HR_CALIB_PCT_MIN);
            bad("calib-pct", arg, msg);
        }
        break;
    }
    case O_RECAL: o->recalibrate = 1; break;
    case O_DUMP: o->dump_dir = arg; break;
    case O_DHEADS: o->dump_heads = arg; break;
    case O_DSENT: o->dump_sentences = parse_long("dump-sentences", arg, 1, 1000000); break;
    case O_CACHE: o->cache = arg; break;
    case O_TEACHER: o->teacher = arg; break;
    case O_SCALIB: o->student_calib = arg; break;
    case O_SYS_CORES: o->sys_cores = (int)parse_long("sys-cores", arg, 1, 64); break;
    case O_SYS_CLOCK:
        if (hg_parse_double(arg, &o->sys_clock) != 0 || !(o->sys_clock > 0 && o->sys_clock <= 10000))
            bad("sys-clock-mhz", arg, "must be a number in (0, 10000]");
        break;
    case O_SYS_DRAM:
        if (!ss_dram_find(arg)) bad("sys-dram", arg, "not a DRAM preset (hgsys --list-dram prints them)");
        o->sys_dram = arg;
        break;
    case O_VSCALE:
        if (strcmp(arg, "head") != 0 && strcmp(arg, "channel") != 0)
            bad("v-scale", arg, "must be head or channel");
        o->v_channel = strcmp(arg, "channel") == 0;
        o->v_scale_given = 1;
        break;
    default: break;
    }
}

/* Options that only make sense together: exits 2 naming them. */
static void check_combinations(const opts *o)
{
    if (!o->dump_dir != !o->dump_heads) {
        fprintf(stderr, "hadrun: --dump-streams and --dump-heads go together (see --help)\n");
        exit(2);
    }
    if (o->dump_sentences > 0 && !o->dump_dir) {
        fprintf(stderr, "hadrun: --dump-sentences needs --dump-streams and --dump-heads\n");
        exit(2);
    }
}

static void parse_args(int argc, char **argv, opts *o)
{
    struct option lo[48];
    int n = 0;
    for (int i = 0; hg_cfg_options[i]; i++)
        lo[n++] = (struct option){hg_cfg_options[i], required_argument, 0, O_CFG};
    const struct option own[] = {{"sentences", required_argument, 0, O_SENT},
                                 {"limit", required_argument, 0, O_LIMIT},
                                 {"max-tokens", required_argument, 0, O_MAXTOK},
                                 {"model", required_argument, 0, O_MODEL},
                                 {"backend", required_argument, 0, O_BACKEND},
                                 {"embeddings", required_argument, 0, O_EMB},
                                 {"json", required_argument, 0, O_JSON},
                                 {"check", no_argument, 0, O_CHECK},
                                 {"repeat", required_argument, 0, O_REPEAT},
                                 {"quiet", no_argument, 0, O_QUIET},
                                 {"calib", required_argument, 0, O_CALIB},
                                 {"calib-sentences", required_argument, 0, O_CALIBSET},
                                 {"calib-pct", required_argument, 0, O_PCT},
                                 {"recalibrate", no_argument, 0, O_RECAL},
                                 {"dump-streams", required_argument, 0, O_DUMP},
                                 {"dump-heads", required_argument, 0, O_DHEADS},
                                 {"dump-sentences", required_argument, 0, O_DSENT},
                                 {"cache", required_argument, 0, O_CACHE},
                                 {"teacher", required_argument, 0, O_TEACHER},
                                 {"student-calib", required_argument, 0, O_SCALIB},
                                 {"sys-cores", required_argument, 0, O_SYS_CORES},
                                 {"sys-clock-mhz", required_argument, 0, O_SYS_CLOCK},
                                 {"sys-dram", required_argument, 0, O_SYS_DRAM},
                                 {"v-scale", required_argument, 0, O_VSCALE},
                                 {"help", no_argument, 0, O_HELP},
                                 {0, 0, 0, 0}};
    memcpy(&lo[n], own, sizeof own);

    opts_default(o);
    int ch, idx = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", lo, &idx)) != -1) {
        switch (ch) {
        case O_HELP: usage(stdout); exit(0);
        case ':':
            fprintf(stderr, "hadrun: option '%s' needs a value (see --help)\n", argv[optind - 1]);
            exit(2);
        case '?': fprintf(stderr, "hadrun: unknown option '%s' (see --help)\n", argv[optind - 1]); exit(2);
        default: set_option(o, ch, lo[idx].name, optarg);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hadrun: unexpected argument '%s' (see --help)\n", argv[optind]);
        exit(2);
    }
    check_combinations(o);
}

/* Parses the backend list into kinds (no duplicates); returns the count or exits 2. */
static int parse_backends(const char *list, hr_kind *kinds)
{
    if (strcmp(list, "all") == 0) {
        for (int i = 0; i < HR_NKINDS; i++) kinds[i] = (hr_kind)i;
        return HR_NKINDS;
    }
    int n = 0;
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), p);
        hr_kind k;
        char msg[384];
        if (len >= 63 || hr_kind_parse(name, &k) != 0) {
            char known[256];
            snprintf(msg, sizeof msg, "unknown backend '%s'; known: all, %s", name,
                     hr_kind_names(known, sizeof known, HR_FLOAT, HR_NKINDS, ", "));
            bad("backend", list, msg);
        }
        for (int i = 0; i < n; i++)
            if (kinds[i] == k) {
                snprintf(msg, sizeof msg, "backend '%s' given twice", name);
                bad("backend", list, msg);
            }
        kinds[n++] = k;
        if (!p[len]) break;
        p += len + 1;
    }
    return n;
}

/* A distilled model beside its teacher (dist.had NULL: an ordinary run). */
typedef struct distilled {
    hr_had *had; /* the student's had.json */
    char had_path[4200];
    const char *student, *teacher; /* model directories */
    enc_model *sm;                 /* the student's weights */
    hr_calib *scal;                /* its calibration */
    char scal_path[4200];
    char teacher_hash[17];
} distilled;

/* One calibration: the file, the option that names it, the model and its directory, and the
   attention of the calibration pass (NULL: float). */
typedef struct calib_src {
    const char *path, *opt;
    const enc_model *m;
    const char *dir;
    enc_attn_fn attn;
    void *attn_ctx;
} calib_src;

/* Loads the calibration file if it fits, else computes and saves it. Exits 2 on error. */
static hr_calib *get_calib(const opts *o, const calib_src *cs, const tok_vocab *v)
{
    char err[1024], mh[17], sh[17], why[256];
    uint64_t h = HG_FNV1A_INIT;
    if (hr_hash_model(cs->dir, mh, err, sizeof err) != 0 ||
        hr_hash_file(&h, o->calib_set, err, sizeof err) != 0) {
        fprintf(stderr, "hadrun: %s\n", err);
        exit(2);
    }
    snprintf(sh, sizeof sh, "%016llx", (unsigned long long)h);
    if (!o->recalibrate && access(cs->path, F_OK) == 0) {
        hr_calib *c = hr_calib_load(cs->path, err, sizeof err);
        if (!c) {
            fprintf(stderr, "hadrun: --%s: %s (remove the file or use --recalibrate)\n", cs->opt, err);
            exit(2);
        }
        if (!hr_calib_stale(c, enc_config(cs->m), mh, sh, o->pct, why, sizeof why)) return c;
        if (!o->quiet) fprintf(stderr, "hadrun: calibration %s was %s: recomputing\n", cs->path, why);
        hr_calib_free(c);
    }
    hr_corpus *cp = hr_corpus_load(o->calib_set, v, o->max_tokens, 0, err, sizeof err);
    if (!cp) {
        fprintf(stderr, "hadrun: --calib-sentences: %s\n", err);
        exit(2);
    }
    hr_calib *c =
        hr_calib_compute_attn(cs->m, cp, o->pct, cs->attn, cs->attn_ctx, !o->quiet, err, sizeof err);
    hr_corpus_free(cp);
    if (!c) {
        fprintf(stderr, "hadrun: calibration: %s\n", err);
        exit(1);
    }
    memcpy(c->model_hash, mh, sizeof mh);
    memcpy(c->set_hash, sh, sizeof sh);
    if (hr_calib_save(c, cs->path, err, sizeof err) != 0)
        fprintf(stderr, "hadrun: warning: --%s: %s (calibration used, not saved)\n", cs->opt, err);
    else if (!o->quiet)
        fprintf(stderr, "hadrun: calibration written to %s\n", cs->path);
    return c;
}

/* Parses --dump-heads and checks --dump-sentences against the corpus (before any long
   work); exits 2 naming the option. Returns the number of heads written to lh. */
static int dump_heads(const opts *o, const bcfg_config *mc, const hr_corpus *cp, hr_lh *lh)
{
    char err[1200];
    int n =
        hr_dump_parse_heads(o->dump_heads, mc->n_layers, mc->n_heads, lh, MAX_DUMP_HEADS, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "hadrun: %s\n", err);
        exit(2);
    }
    if (o->dump_sentences > cp->n) {
        char msg[96], val[32];
        snprintf(msg, sizeof msg, "must be in 1..%d (the number of sentences)", cp->n);
        snprintf(val, sizeof val, "%ld", o->dump_sentences);
        bad("dump-sentences", val, msg);
    }
    return n;
}

/* Dumps the heads lh[0..n-1] of the first sentences (a distilled model's HAD streams from
   the student); exits on failure. */
static void do_dump(const opts *o, const enc_model *m, const hr_calib *cal, const hg_cfg *core,
                    const hr_corpus *cp, const hr_lh *lh, int n, const distilled *ds)
{
    char err[1200];
    long ns = o->dump_sentences > 0 ? o->dump_sentences : 1;
    hr_dump *d = hr_dump_open(o->dump_dir, core, cal, lh, n, err, sizeof err);
    if (!d || hr_dump_set_v_scale(d, o->v_channel, err, sizeof err) != 0 ||
        (ds->had && hr_dump_set_source(d, HG_CORE_HAD, ds->sm, ds->scal, ds->had->alpha_c, ds->had->logit,
                                       ds->had->center, hr_had_attn, ds->had, err, sizeof err) != 0)) {
        fprintf(stderr, "hadrun: %s\n", err);
        exit(2);
    }
    for (int i = 0; i < ns; i++)
        if (hr_dump_sentence(d, m, cp->ids[i], cp->n_tok[i], i + 1, err, sizeof err) != 0) {
            fprintf(stderr, "hadrun: %s\n", err);
            hr_dump_close(d, NULL, 0);
            exit(1);
        }
    if (hr_dump_close(d, err, sizeof err) != 0) {
        fprintf(stderr, "hadrun: %s\n", err);
        exit(1);
    }
    if (!o->quiet)
        fprintf(stderr, "hadrun: dumped %d head(s) x %ld sentence(s) x 3 cores into %s\n", n, ns,
                o->dump_dir);
}

/* ---- reporting ------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void print_fidelity(const hr_result *r, int nb, int distilled_had)
{
    int nl = r[0].n_layers;
    printf("\n%-17s  %-*s  %7s  %7s  %8s  %8s  %8s  %10s  %8s\n", "backend", 8 * nl - 1,
           "attention-output rel. error, layer 0..", "recall", "rec>N", "cos mean", "cos min", "pair err",
           "margin err", "NN agree");
    for (int k = 0; k < nb; k++) {
        char name[32];
        snprintf(name, sizeof name, "%s%s", hr_kind_name(r[k].kind),
                 distilled_had && hr_kind_had(r[k].kind) ? "*" : "");
        printf("%-17s ", name);
        for (int l = 0; l < nl; l++) printf(" %7.4f", r[k].layer_err[l]);
        if (r[k].recall < 0)
            printf("  %7s", "-");
        else
            printf("  %7.4f", r[k].recall);
        if (r[k].recall_sel < 0)
            printf("  %7s", "-");
        else
            printf("  %7.4f", r[k].recall_sel);
        printf("  %8.6f  %8.6f  ", r[k].cos_mean, r[k].cos_min);
        if (r[k].pair_cos_err < 0)
            printf("%8s  ", "-");
        else
            printf("%8.6f  ", r[k].pair_cos_err);
        if (r[k].nn_margin_err < 0)
            printf("%10s  ", "-");
        else
            printf("%10.6f  ", r[k].nn_margin_err);
        if (r[k].nn_agree < 0)
            printf("%8s\n", "-");
        else
            printf("%8.4f\n", r[k].nn_agree);
    }
    printf("(recall: mean over every head and query; rec>N: over heads with more keys than "
           "N, where the selection drops keys; pair err: RMS over sentence pairs of the change in "
           "their cosine; margin err: RMS over sentences of the change of the margin between the "
           "reference's two nearest neighbours, which sets NN agree's expected value; -: not "
           "applicable, or no such head)\n");
    if (distilled_had)
        printf("(*: the distilled model, its learned alpha; all rows against the teacher's "
               "float attention)\n");
}

static void print_cycles(const hr_result *r, int nb)
{
    int any = 0;
    for (int k = 0; k < nb; k++) any |= hr_kind_rtl(r[k].kind);
    if (!any) return;
    int nl = r[0].n_layers;
    printf("\n%-17s  %12s  %9s  %9s  %-20s  %s\n", "simulated cycles", "per sentence", "per token",
           "per head", "(cfg/load/queries)", "per layer (mean per sentence), layer 0..");
    for (int k = 0; k < nb; k++) {
        if (!hr_kind_rtl(r[k].kind)) continue;
        double tot = 0.0;
        for (int i = 0; i < r[k].n_sent; i++) tot += (double)r[k].sent_cycles[i];
        char ph[64];
        snprintf(ph, sizeof ph, "(%.0f/%.0f/%.0f)", r[k].cycles_head_cfg, r[k].cycles_head_load,
                 r[k].cycles_head_query);
        printf("%-17s  %12.1f  %9.1f  %9.1f  %-20s ", hr_kind_name(r[k].kind), tot / r[k].n_sent,
               r[k].cycles_token, r[k].cycles_head, ph);
        for (int l = 0; l < nl; l++) printf(" %.0f", r[k].cycles_layer[l]);
        printf("\n");
    }
}

/* The system backends' figures: per layer, means per sentence. */
static void print_system(const hr_result *r, int nb)
{
    for (int k = 0; k < nb; k++) {
        if (!hr_kind_sys(r[k].kind)) continue;
        printf("\n%s: system model, per layer (mean per sentence)\n", hr_kind_name(r[k].kind));
        printf("%5s %9s %6s %6s %6s %9s %9s %9s %9s %9s %9s %8s\n", "layer", "cycles", "busy", "wait", "DRAM",
               "K B", "V B", "Q B", "O B", "SRAM nJ", "DRAM nJ", "bound");
        for (int l = 0; l < r[k].n_layers; l++) {
            const ss_layer_stats *x = &r[k].sys_layer[l];
            double n = r[k].n_sent;
            printf("%5d %9.1f %6.3f %6.3f %6.3f %9.1f %9.1f %9.1f %9.1f %9.3f %9.3f %8s\n", l,
                   (double)x->cycles / n, ss_core_share(x, x->core_busy), ss_core_share(x, x->core_wait),
                   ss_dram_util(x), (double)x->bytes_k / n, (double)x->bytes_v / n, (double)x->bytes_q / n,
                   (double)x->bytes_o / n, x->sram_pj / 1e3 / n, x->dram_pj / 1e3 / n, ss_bound(x));
        }
    }
}

/* Golden kind of an RTL or system kind. */
static hr_kind golden_of(hr_kind k) { return HR_GOLDEN(hr_kind_core(k)); }

/* For each RTL or system backend run beside its golden twin: 1 if the embeddings are
   bit-identical. */
static int rtl_vs_golden(const hr_result *r, int nb, cJSON *arr, long *mism)
{
    int bad_pairs = 0;
    for (int k = 0; k < nb; k++) {
        if (!hr_kind_rtl(r[k].kind) && !hr_kind_sys(r[k].kind)) continue;
        *mism += r[k].mismatches;
        for (int j = 0; j < nb; j++) {
            if (r[j].kind != golden_of(r[k].kind)) continue;
            size_t n = (size_t)r[k].n_sent * (size_t)r[k].hidden * sizeof(float);
            int same = memcmp(r[k].emb, r[j].emb, n) == 0;
            bad_pairs += !same;
            printf("%s vs %s: embeddings %s\n", hr_kind_name(r[k].kind), hr_kind_name(r[j].kind),
                   same ? "bit-identical" : "DIFFER");
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "rtl", hr_kind_name(r[k].kind));
            cJSON_AddStringToObject(o, "golden", hr_kind_name(r[j].kind));
            cJSON_AddBoolToObject(o, "identical_embeddings", same);
            cJSON_AddItemToArray(arr, o);
        }
    }
    return bad_pairs;
}

/* Writes the embeddings file through a temporary file and rename. Returns 0 or -1. */
static int write_embeddings(const char *path, const hr_result *r, int nb)
{
    hg_wfile w;
    if (hg_file_begin(&w, path, NULL, 0) != 0) return -1;
    for (int k = 0; k < nb; k++)
        for (int i = 0; i < r[k].n_sent; i++) {
            fprintf(w.f, "%s %d", hr_kind_name(r[k].kind), i + 1);
            for (int j = 0; j < r[k].hidden; j++)
                fprintf(w.f, " %.9g", (double)r[k].emb[(size_t)i * (size_t)r[k].hidden + (size_t)j]);
            fputc('\n', w.f);
        }
    return hg_file_commit(&w, NULL, 0);
}

/* The calibration object of the JSON output. */
static cJSON *calib_json(const char *path, const hr_calib *cal)
{
    cJSON *cj = cJSON_CreateObject();
    cJSON_AddStringToObject(cj, "file", path);
    cJSON_AddStringToObject(cj, "set_hash", cal->set_hash);
    cJSON_AddNumberToObject(cj, "percentile", cal->pct);
    cJSON_AddNumberToObject(cj, "sentences", cal->n_sentences);
    return cj;
}

/* recipe.center's name of HM_CENTER_* bits. */
static const char *center_name(int center)
{
    return center == (HM_CENTER_K | HM_CENTER_Q) ? "qk" : center == HM_CENTER_K ? "k" : "none";
}

/* The "model" object of a distilled run. */
static cJSON *distilled_json(const distilled *ds)
{
    cJSON *mj = cJSON_CreateObject();
    cJSON_AddBoolToObject(mj, "distilled", 1);
    cJSON_AddStringToObject(mj, "dir", ds->student);
    cJSON_AddStringToObject(mj, "had_json", ds->had_path);
    cJSON_AddNumberToObject(mj, "top_n_trained", ds->had->top_n);
    cJSON_AddNumberToObject(mj, "max_tokens_trained", ds->had->max_tokens);
    cJSON_AddNumberToObject(mj, "longest_tokens_trained", ds->had->trained_tokens);
    cJSON_AddNumberToObject(mj, "v_bits_trained", ds->had->v_bits);
    cJSON_AddStringToObject(mj, "v_scale_trained", ds->had->v_channel ? "channel" : "head");
    cJSON_AddStringToObject(mj, "center", center_name(ds->had->center));
    cJSON_AddStringToObject(mj, "teacher", ds->teacher);
    cJSON_AddStringToObject(mj, "teacher_hash", ds->teacher_hash);
    cJSON_AddStringToObject(mj, "student_hash", ds->scal->model_hash);
    cJSON_AddItemToObject(mj, "student_calibration", calib_json(ds->scal_path, ds->scal));
    return mj;
}

static cJSON *header_json(const opts *o, const hr_corpus *cp, const hr_calib *cal, const hg_cfg *core,
                          const distilled *ds)
{
    cJSON *root = cJSON_CreateObject(), *c = cJSON_CreateObject(), *s = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "tool", "hadrun");
    cJSON_AddStringToObject(root, "model_hash", cal->model_hash);
    cJSON_AddStringToObject(s, "file", o->sentences);
    cJSON_AddNumberToObject(s, "count", cp->n);
    cJSON_AddNumberToObject(s, "tokens", (double)cp->tokens);
    cJSON_AddNumberToObject(s, "max_tokens", o->max_tokens);
    cJSON_AddItemToObject(root, "sentences", s);
    cJSON_AddNumberToObject(c, "d", core->d);
    cJSON_AddNumberToObject(c, "lanes", core->p);
    cJSON_AddNumberToObject(c, "top_n", core->n);
    cJSON_AddNumberToObject(c, "max_keys", core->l);
    cJSON_AddNumberToObject(c, "weight_bits", core->wb);
    cJSON_AddNumberToObject(c, "exp_frac_bits", core->fb);
    cJSON_AddNumberToObject(c, "out_frac", core->of);
    cJSON_AddNumberToObject(c, "load_width", core->lw);
    /* each top-N core's selector as its backends build it (its own default unless --selector) */
    cJSON *sels = cJSON_AddObjectToObject(c, "selectors");
    for (int k = 0; k < HG_NCORES; k++) {
        hg_cfg t = *core;
        hg_cfg_set_core(&t, (hg_core_kind)k);
        if (hg_cfg_topn(&t)) cJSON_AddStringToObject(sels, hg_core_name(t.core), hg_sel_name(t.sel));
    }
    cJSON_AddStringToObject(c, "sort_cut", hg_cut_name(core->cut));
    if (core->shadow) cJSON_AddStringToObject(c, "etab_shadow", "on"); /* the HAD backends' cores */
    cJSON_AddNumberToObject(c, "v_bits", core->vb);
    cJSON_AddStringToObject(c, "v_scale", o->v_channel ? "channel" : "head");
    cJSON_AddItemToObject(root, "core", c);
    cJSON_AddItemToObject(root, "calibration", calib_json(o->calib, cal));
    if (ds->had) cJSON_AddItemToObject(root, "model", distilled_json(ds));
    return root;
}

/* Validates the core options against the model and finishes the configuration; exits 2
   naming the option on a mismatch. */
static hg_cfg core_config(opts *o, const bcfg_config *mc)
{
    char err[1024], val[32], msg[160];
    if (o->max_tokens > mc->max_pos) {
        snprintf(val, sizeof val, "%d", o->max_tokens);
        snprintf(msg, sizeof msg, "must be in 2..%d (the model's max_position_embeddings)", mc->max_pos);
        bad("max-tokens", val, msg);
    }
    if (!o->d_given)
        o->core.d = mc->head_dim;
    else if (o->core.d != mc->head_dim) {
        snprintf(val, sizeof val, "%d", o->core.d);
        snprintf(msg, sizeof msg, "must equal the model's head dimension %d", mc->head_dim);
        bad("d", val, msg);
    }
    hg_cfg core = o->core;
    if (hg_cfg_finish(&core, err, sizeof err) != 0) {
        fprintf(stderr, "hadrun: %s\n", err);
        exit(2);
    }
    if (core.l < o->max_tokens) {
        snprintf(val, sizeof val, "%d", core.l);
        snprintf(msg, sizeof msg, "must be at least --max-tokens %d (every token is a key)", o->max_tokens);
        bad("max-keys", val, msg);
    }
    return core;
}

/* Prints the tables and times, writes the JSON and embeddings files. Returns the exit
   code: 1 if an RTL backend differed from its golden twin, 2 if a file cannot be written. */
static int report(const opts *o, const hr_corpus *cp, const hr_calib *cal, const hg_cfg *core,
                  const distilled *ds, const hr_result *res, int nb, double (*secs)[REPEAT_MAX],
                  double (*asecs)[REPEAT_MAX])
{
    char vals[64] = "";
    if (core->vb != 8 || o->v_channel)
        snprintf(vals, sizeof vals, " V %d bits, a scale per %s;", core->vb,
                 o->v_channel ? "channel" : "head");
    printf("hadrun: %d sentences (%ld tokens) from %s; core d=%d P=%d N=%d L=%d;%s calibration %s "
           "(percentile %g, %d sentences)\n",
           cp->n, cp->tokens, o->sentences, core->d, core->p, core->n, core->l, vals, o->calib, cal->pct,
           cal->n_sentences);
    if (ds->had) {
        char run_n[48] = "";
        if (core->n != ds->had->top_n) snprintf(run_n, sizeof run_n, ", run at N %d", core->n);
        const char *cen = ds->had->center == HM_CENTER_K ? "; keys centred before the sign"
                          : ds->had->center              ? "; queries and keys centred before the sign"
                                                         : "";
        printf("HAD backends (float-had, golden-had, rtl-had): distilled model %s (%s learned, "
               "N trained %d%s%s; calibration %s); reference and the other backends: teacher %s\n",
               ds->student, ds->had->logit ? "alpha and weight table" : "alpha", ds->had->top_n, run_n, cen,
               ds->scal_path, ds->teacher);
    }
    print_fidelity(res, nb, ds->had != NULL);
    print_cycles(res, nb);
    print_system(res, nb);
    printf("\n");
    cJSON *root = header_json(o, cp, cal, core, ds), *arr = cJSON_CreateArray();
    long mism = 0;
    int differ = rtl_vs_golden(res, nb, arr, &mism);
    if (o->check) printf("check: RTL outputs differing from the golden model: %ld\n", mism);
    double med[HR_NKINDS], amed[HR_NKINDS];
    for (int k = 0; k < nb; k++) {
        med[k] = median(secs[k], o->repeat);
        amed[k] = median(asecs[k], o->repeat);
        printf("time %-17s %8.3f s (attention %.3f s)%s\n", hr_kind_name(res[k].kind), med[k], amed[k],
               o->repeat > 1 ? ", median of the runs" : "");
    }
    for (int k = 0; k < nb; k++)
        for (int j = 0; (hr_kind_rtl(res[k].kind) || hr_kind_sys(res[k].kind)) && j < nb; j++)
            if (res[j].kind == golden_of(res[k].kind) && med[j] > 0 && amed[j] > 0)
                printf("ratio %s / %s: %.1fx (attention only: %.1fx)\n", hr_kind_name(res[k].kind),
                       hr_kind_name(res[j].kind), med[k] / med[j], amed[k] / amed[j]);

    int rc = (o->check && mism) || differ ? 1 : 0;
    cJSON_AddItemToObject(root, "rtl_vs_golden", arr);
    cJSON *ba = cJSON_CreateArray();
    for (int k = 0; k < nb; k++) cJSON_AddItemToArray(ba, hr_result_json(&res[k], 1));
    cJSON_AddItemToObject(root, "backends", ba);
    if (o->json_path && hr_json_write(o->json_path, root) != 0) {
        fprintf(stderr, "hadrun: --json '%s': cannot write\n", o->json_path);
        rc = 2;
    }
    if (o->emb_path && write_embeddings(o->emb_path, res, nb) != 0) {
        fprintf(stderr, "hadrun: --embeddings '%s': cannot write\n", o->emb_path);
        rc = 2;
    }
    cJSON_Delete(root);
    return rc;
}

/* ---- distilled models ------------------------------------------------------------------- */

/* Student calibration file by default: the --calib path with "_student" before ".json". */
static void student_calib_path(const opts *o, char *out, size_t outsz)
{
    if (o->student_calib) {
        snprintf(out, outsz, "%s", o->student_calib);
        return;
    }
    size_t n = strlen(o->calib);
    int json = n >= 5 && strcmp(o->calib + n - 5, ".json") == 0;
    snprintf(out, outsz, "%.*s_student%s", (int)(json ? n - 5 : n), o->calib, json ? ".json" : "");
}

/* Reads the student's had.json and picks the teacher directory (tdir: its buffer); exits 2
   naming the file on a malformed or unassembled had.json. */
static void open_distilled(opts *o, distilled *ds, char *tdir, size_t tdirsz)
{
    char err[1200];
    ds->student = o->model;
    ds->had = hr_had_load(ds->had_path, err, sizeof err);
    if (!ds->had) {
        fprintf(stderr, "hadrun: --model: %s\n", err);
        exit(2);
    }
    if (!ds->had->base_hash[0]) {
        fprintf(stderr,
                "hadrun: --model: %s has no base_model_hash: not a model directory "
                "assembled by hadmodel (make model-had)\n",
                ds->had_path);
        exit(2);
    }
    if (!o->teacher) {
        if (enc_model_dir(tdir, tdirsz, err, sizeof err) != 0) {
            fprintf(stderr, "hadrun: --teacher: %s\n", err);
            exit(2);
        }
        o->teacher = tdir;
    }
    ds->teacher = o->teacher;
    student_calib_path(o, ds->scal_path, sizeof ds->scal_path);
}

/* Loads the student's weights and checks them, had.json and the teacher m against each
   other; sets the top-N default to the trained N. Exits 2 naming both sides of a mismatch. */
static void check_distilled(opts *o, distilled *ds, const enc_model *m)
{
    char err[1200];
    if (hr_hash_model(ds->teacher, ds->teacher_hash, err, sizeof err) != 0) {
        fprintf(stderr, "hadrun: --teacher: %s\n", err);
        exit(2);
    }
    if (strcmp(ds->teacher_hash, ds->had->base_hash) != 0) {
        fprintf(stderr,
                "hadrun: --teacher '%s': model hash %s differs from base_model_hash %s "
                "of %s: the distilled model was assembled over another base model (give its "
                "teacher with --teacher, or reassemble it with make model-had)\n",
                ds->teacher, ds->teacher_hash, ds->had->base_hash, ds->had_path);
        exit(2);
    }
    ds->sm = enc_load(ds->student, err, sizeof err);
    if (!ds->sm || hr_had_check_config(ds->had, enc_config(ds->sm), ds->had_path, err, sizeof err) != 0) {
        fprintf(stderr, "hadrun: --model: %s\n", err);
        exit(2);
    }
    const bcfg_config *a = enc_config(ds->sm), *t = enc_config(m);
    if (a->n_layers != t->n_layers || a->n_heads != t->n_heads || a->hidden != t->hidden ||
        a->vocab_size != t->vocab_size || a->max_pos != t->max_pos) {
        fprintf(stderr,
                "hadrun: --model '%s' (%d layers, %d heads, hidden %d, vocabulary %d, "
                "%d positions) does not have the shape of --teacher '%s' (%d, %d, %d, %d, %d)\n",
                ds->student, a->n_layers, a->n_heads, a->hidden, a->vocab_size, a->max_pos, ds->teacher,
                t->n_layers, t->n_heads, t->hidden, t->vocab_size, t->max_pos);
        exit(2);
    }
    if (!o->top_n_given)
        o->core.n = ds->had->top_n;
    else if (o->core.n != ds->had->top_n)
        fprintf(stderr,
                "hadrun: note: --top-n %d differs from the N the distilled model was "
                "trained with (%d, %s)\n",
                o->core.n, ds->had->top_n, ds->had_path);
    /* the values the model was trained with are the cores' unless given (every core alike: the
       fairness rule) */
    const char *scale_t = ds->had->v_channel ? "channel" : "head";
    if (!o->v_bits_given) o->core.vb = ds->had->v_bits;
    if (!o->v_scale_given) o->v_channel = ds->had->v_channel;
    if (o->core.vb != ds->had->v_bits || o->v_channel != ds->had->v_channel)
        fprintf(stderr,
                "hadrun: note: V %d bits with a scale per %s differs from the values the distilled "
                "model was trained with (%d bits, a scale per %s, %s)\n",
                o->core.vb, o->v_channel ? "channel" : "head", ds->had->v_bits, scale_t, ds->had_path);
    if (o->max_tokens > ds->had->trained_tokens)
        fprintf(stderr,
                "hadrun: note: --max-tokens %d exceeds the longest texts the distilled "
                "model was trained on (%d tokens, %s)\n",
                o->max_tokens, ds->had->trained_tokens, ds->had_path);
}

/* ---- files, checked before any work --------------------------------------------------- */

#define MAX_FILES 16

/* A file the run reads or writes, and the option that names it. */
typedef struct named {
    const char *opt;
    char path[4200];
} named;

/* Exits 2 if the input file of option opt is not a regular file of at most max bytes. */
static void check_input(const char *opt, const char *path, long long max)
{
    char why[256];
    FILE *f = hg_file_open(path, max, NULL, why, sizeof why);
    if (!f) {
        fprintf(stderr, "hadrun: --%s: %s: %s\n", opt, path, why);
        exit(2);
    }
    fclose(f);
}

/* Adds the files of model directory dir (option opt) to the inputs. */
static int add_model(named *in, int n, const char *opt, const char *dir)
{
    static const char *const files[] = {"config.json", "model.safetensors", "vocab.txt", "had.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        in[n].opt = opt;
        snprintf(in[n++].path, sizeof in[0].path, "%s/%s", dir, files[i]);
    }
    return n;
}

/* Exits 2 if file a is the same file as one of b[0..nb-1] (a message naming both options). */
static void check_distinct(const named *a, const named *b, int nb, const char *why)
{
    for (int i = 0; i < nb; i++)
        if (a != &b[i] && hg_file_same(a->path, b[i].path)) {
            int input = strcmp(why, "input") == 0;
            fprintf(stderr, "hadrun: --%s '%s': is %sthe --%s file%s\n", a->opt, a->path,
                    input ? "" : "also ", b[i].opt, input ? "; hadrun never overwrites its inputs" : "");
            exit(2);
        }
}

/* Checks every input and output path before the run (minutes with RTL backends): inputs
   are regular files within their size limits; outputs can be written (folder exists and is
   writable, not a directory), none is an input or another output, and the dump directory
   is new, empty or hadrun's and holds no input or output. Exits 2 naming the option. */
static void check_paths(const opts *o, const distilled *ds)
{
    named in[MAX_FILES], out[4];
    int nin = 0, nout = 0;
    char why[512];
    check_input("sentences", o->sentences, HR_CORPUS_MAX_BYTES);
    check_input("calib-sentences", o->calib_set, HR_CORPUS_MAX_BYTES);
    in[nin].opt = "sentences";
    snprintf(in[nin++].path, sizeof in[0].path, "%s", o->sentences);
    in[nin].opt = "calib-sentences";
    snprintf(in[nin++].path, sizeof in[0].path, "%s", o->calib_set);
    nin = add_model(in, nin, "model", o->model);
    if (ds->had) nin = add_model(in, nin, "teacher", ds->teacher);
    const char *outs[4][2] = {{"json", o->json_path},
                              {"embeddings", o->emb_path},
                              {"calib", o->calib},
                              {"student-calib", ds->had ? ds->scal_path : NULL}};
    for (int i = 0; i < 4; i++) {
        if (!outs[i][1]) continue;
        out[nout].opt = outs[i][0];
        snprintf(out[nout].path, sizeof out[0].path, "%s", outs[i][1]);
        int calib = i >= 2; /* read when it fits, written when it is missing or stale */
        struct stat st;
        if (calib && stat(outs[i][1], &st) == 0 && !S_ISREG(st.st_mode)) {
            fprintf(stderr,
                    "hadrun: --%s '%s': is not a regular file (a calibration file is "
                    "read and written)\n",
                    outs[i][0], outs[i][1]);
            exit(2);
        }
        if (hg_file_check_output(outs[i][1], why, sizeof why) != 0) {
            int dflt = i == 2 ? strcmp(o->calib, DEF_CALIB) == 0 : i == 3 && !o->student_calib;
            fprintf(stderr, "hadrun: --%s '%s'%s: %s%s\n", outs[i][0], outs[i][1],
                    dflt ? " (the default)" : "", why,
                    calib ? "; a calibration file is written "
                            "when it is missing or stale, so it must lie in an existing, writable folder"
                          : "");
            exit(2);
        }
        if (calib && stat(outs[i][1], &st) == 0) check_input(outs[i][0], outs[i][1], HR_CALIB_MAX_BYTES);
        nout++;
    }
    for (int i = 0; i < nout; i++) {
        check_distinct(&out[i], in, nin, "input");
        check_distinct(&out[i], out, i, "output");
    }
    if (!o->dump_dir) return;
    if (hr_dump_check_dir(o->dump_dir, why, sizeof why) != 0) {
        fprintf(stderr, "hadrun: %s\n", why);
        exit(2);
    }
    for (int i = 0; i < nin + nout; i++) {
        const named *f = i < nin ? &in[i] : &out[i - nin];
        if (hg_file_inside(f->path, o->dump_dir)) {
            fprintf(stderr,
                    "hadrun: --%s '%s': lies inside --dump-streams '%s', which holds "
                    "only the dump; give another directory\n",
                    f->opt, f->path, o->dump_dir);
            exit(2);
        }
    }
}

/* ---- main ------------------------------------------------------------------------------ */

/* The model directory (default: the packaged model), and a distilled model's student and
   teacher when it holds had.json. Exits 2 on bad input. */
static void resolve_model(opts *o, distilled *ds)
{
    static char dir[4096], tdir[4096];
    char err[1200];
    if (!o->model) {
        if (enc_model_dir(dir, sizeof dir, err, sizeof err) != 0) {
            fprintf(stderr, "hadrun: %s\n", err);
            exit(2);
        }
        o->model = dir;
    }
    snprintf(ds->had_path, sizeof ds->had_path, "%s/had.json", o->model);
    if (access(ds->had_path, F_OK) == 0)
        open_distilled(o, ds, tdir, sizeof tdir);
    else if (o->teacher)
        bad("teacher", o->teacher,
            "only with a distilled model (--model DIR holding had.json, "
            "made by make model-had)");
}

/* The simulation cache folder and HADGEN_SIM_STALLS, checked before any work (exit 2). */
static void check_sim_env(const opts *o)
{
    char err[1200];
    const char *env = getenv("HADGEN_SIM_CACHE");
    if (o->cache && hs_check_cache_dir(o->cache, err, sizeof err) != 0) {
        fprintf(stderr, "hadrun: --cache '%s': %s\n", o->cache, err);
        exit(2);
    }
    if (!o->cache && env && *env && hs_check_cache_dir(env, err, sizeof err) != 0) {
        fprintf(stderr, "hadrun: HADGEN_SIM_CACHE '%s': %s\n", env, err);
        exit(2);
    }
    int q_gap, o_stall;
    if (hs_env_stalls(&q_gap, &o_stall, err, sizeof err) != 0) {
        fprintf(stderr, "hadrun: %s\n", err);
        exit(2);
    }
}

/* Opens the backends (a distilled model's HAD backends on its student, with its learned
   alpha and calibration); bm[k] is the model backend k runs on (NULL: the reference).
   0, or -1 after a message. */
static int open_backends(const opts *o, const distilled *ds, const hr_kind *kinds, int nb, const hg_cfg *core,
                         const hr_calib *cal, hr_backend **b, const enc_model **bm)
{
    char err[1200];
    hr_sim_opts so = {.rtl = {.cache_dir = o->cache, .quiet = o->quiet},
                      .sys_cores = o->sys_cores,
                      .sys_clock_mhz = o->sys_clock,
                      .sys_dram = o->sys_dram};
    for (int k = 0; k < nb; k++) {
        int student = ds->had && hr_kind_had(kinds[k]);
        b[k] = hr_backend_open(kinds[k], core, student ? ds->scal : cal, &so, o->check, err, sizeof err);
        if (!b[k]) {
            fprintf(stderr, "hadrun: %s\n", err);
            return -1;
        }
        if (student) {
            hr_backend_set_alpha(b[k], ds->had->alpha_c);
            hr_backend_set_table(b[k], ds->had->logit);
            if (hr_backend_set_center(b[k], ds->had->center) != 0) {
                fprintf(stderr, "hadrun: %s\n", hr_backend_error(b[k]));
                return -1;
            }
        }
        if (hr_backend_set_v_scale(b[k], o->v_channel) != 0) {
            fprintf(stderr, "hadrun: --v-scale channel: %s\n", hr_backend_error(b[k]));
            return -1;
        }
        bm[k] = student ? ds->sm : NULL;
    }
    return 0;
}

/* The whole pass, o->repeat times (res: the first pass's results; secs, asecs: every pass's
   wall and attention seconds per backend). 0, or -1 after a message. */
static int run_passes(const opts *o, const enc_model *m, const enc_model **bm, const hr_corpus *cp,
                      hr_backend **b, int nb, hr_result *res, double (*secs)[REPEAT_MAX],
                      double (*asecs)[REPEAT_MAX], int *have_res)
{
    static hr_result tmp[HR_NKINDS];
    char err[1200];
    for (int rep = 0; rep < o->repeat; rep++) {
        hr_result *r = rep == 0 ? res : tmp;
        if (hr_evaluate_models(m, bm, cp, b, nb, r, NULL, !o->quiet, err, sizeof err) != 0) {
            fprintf(stderr, "hadrun: %s\n", err);
            return -1;
        }
        *have_res = 1;
        for (int k = 0; k < nb; k++) {
            secs[k][rep] = r[k].seconds;
            asecs[k][rep] = r[k].attn_seconds;
            if (rep > 0) hr_result_free(&tmp[k]);
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    opts o;
    parse_args(argc, argv, &o);
    hr_kind kinds[HR_NKINDS];
    int nb = parse_backends(o.backends, kinds);
    static distilled ds;
    resolve_model(&o, &ds);
    check_sim_env(&o);
    check_paths(&o, &ds);
    /* the reference model: the teacher of a distilled model, else the model itself */
    char err[1200], vpath[4200];
    const char *rdir = ds.had ? ds.teacher : o.model;
    enc_model *m = enc_load(rdir, err, sizeof err);
    snprintf(vpath, sizeof vpath, "%s/vocab.txt", rdir);
    tok_vocab *v = m ? tok_load(vpath, err, sizeof err) : NULL;
    /* what main owns, released at done on every path */
    hr_corpus *cp = NULL;
    hr_calib *cal = NULL;
    hr_backend *b[HR_NKINDS] = {NULL};
    hr_result res[HR_NKINDS];
    int rc = 2, have_res = 0;
    if (!m || !v) {
        fprintf(stderr, "hadrun: --%s: %s\n", ds.had ? "teacher" : "model", err);
        goto done;
    }
    if (ds.had) check_distilled(&o, &ds, m);
    hg_cfg core = core_config(&o, enc_config(m));
    cp = hr_corpus_load(o.sentences, v, o.max_tokens, (int)o.limit, err, sizeof err);
    if (!cp) {
        fprintf(stderr, "hadrun: --sentences: %s\n", err);
        goto done;
    }
    static hr_lh lh[MAX_DUMP_HEADS];
    int nlh = o.dump_dir ? dump_heads(&o, enc_config(m), cp, lh) : 0;
    calib_src tcs = {o.calib, "calib", m, rdir, NULL, NULL};
    cal = get_calib(&o, &tcs, v);
    if (ds.had) {
        calib_src scs = {ds.scal_path, "student-calib", ds.sm, ds.student, hr_had_attn, ds.had};
        ds.scal = get_calib(&o, &scs, v);
    }
    if (o.dump_dir) do_dump(&o, m, cal, &core, cp, lh, nlh, &ds);

    rc = 1;
    const enc_model *bm[HR_NKINDS];
    if (open_backends(&o, &ds, kinds, nb, &core, cal, b, bm) != 0) goto done;
    if (!o.quiet)
        fprintf(stderr, "hadrun: %d sentences (%ld tokens, longest %d) x %d backend(s)\n", cp->n, cp->tokens,
                hr_corpus_max_tokens(cp), nb);
    static double secs[HR_NKINDS][REPEAT_MAX], asecs[HR_NKINDS][REPEAT_MAX];
    if (run_passes(&o, m, bm, cp, b, nb, res, secs, asecs, &have_res) != 0) goto done;
    rc = report(&o, cp, cal, &core, &ds, res, nb, secs, asecs);
done:
    for (int k = 0; k < nb; k++) {
        if (have_res) hr_result_free(&res[k]);
        hr_backend_close(b[k]);
    }
    hr_calib_free(cal);
    hr_calib_free(ds.scal);
    hr_had_free(ds.had);
    enc_free(ds.sm);
    hr_corpus_free(cp);
    tok_free(v);
    enc_free(m);
    return rc;
}
