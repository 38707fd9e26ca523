/*
 * hg_config.h — configuration of one generated attention core.
 *
 * The parameters a user chooses (core type, d, P, N, L, widths), their validation, and every
 * width and schedule value derived from them. The generator, the C golden model, the
 * simulation shim and the tests all use this one definition, so they cannot disagree on a
 * width. docs/spec.md explains each derived value.
 */
#ifndef HG_CONFIG_H
#define HG_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The core types (sw/base/hg_cores.def): HG_CORE_HAD, HG_CORE_BASELINE, HG_CORE_I8TOPN, and
   HG_NCORES, their number. */
typedef enum {
#define HG_CORE(kind, name, short_name, sel, summary) HG_CORE_##kind,
#include "hg_cores.def"
#undef HG_CORE
    HG_NCORES
} hg_core_kind;

#define HG_D_MIN      8
#define HG_D_MAX      256
#define HG_P_MAX      64
#define HG_L_MAX      16384
#define HG_WB_MIN     8
#define HG_WB_MAX     20
#define HG_FB_MIN     2
#define HG_FB_MAX     8
#define HG_OF_MAX     12
#define HG_VB_MIN     2
#define HG_VB_MAX     8
#define HG_PREFIX_MAX 24
/* Most av_dim instances one net of the AV unit's shared signals drives by default (--av-fan auto):
   above it (d > 64) the dimensions come in groups of this many behind a buffer stage each
   (hg_cfg.fan). */
#define HG_AV_FAN 64
/* hg_cfg.fan_opt, --av-fan: auto (0, HG_AV_FAN's rule), off (no stage at any d) or a group size */
#define HG_AV_FAN_AUTO 0
#define HG_AV_FAN_OFF  (-1)

/* Run-time configuration register map (cfg stream address -> register). */
#define HG_CFG_NKEYS     0x000u /* number of keys n_k, clamped to [1, L]; resets load ptr */
#define HG_CFG_EXP_MUL   0x001u /* int8 cores: exp multiplier, 16 bits */
#define HG_CFG_EXP_SHIFT 0x002u /* int8 cores: exp shift, 6 bits */
/* HAD: the exp table, hg_etab_words() words from HG_CFG_ETAB on; with --etab-shadow on, the
   word after them copies the shadow table in (hg_etab_copy) */
#define HG_CFG_ETAB 0x100u

/* Top-N selectors (--selector): the same function and throughput, different hardware
   (docs/architecture.md). */
typedef enum {
    HG_SEL_MERGE,    /* "merge": rtl/src/hg_topn.v, every held entry ranked against every candidate */
    HG_SEL_BITONIC,  /* "bitonic": rtl/src/hg_topn_bitonic.v, compare-exchange networks */
    HG_SEL_COUNTING, /* "counting" (HAD only): rtl/src/hg_topn_scan.v counts the keys above each
                        match level while storing the counts, hg_topn_place.v keeps those above
                        the threshold level this gives, and the first ones at it, in a second
                        pass; one cycle of latency per key row, and one more */
    HG_SEL_TWOSTAGE, /* "twostage": rtl/src/hg_topn_bitonic.v with PIPE = 1, the bitonic networks
                        as two pipeline stages: a local one sorts each row of candidates and
                        keeps its best, a global one merges them into the list; a cycle more
                        latency, two where a second register cuts a sort at least as deep as
                        the merge */
    HG_NSELS
} hg_sel_kind;

/* Whether the twostage selector's sort is cut by a second register (--sort-cut; the values are
   rtl/src/hg_topn_bitonic.v's SORT_CUT): never, always (after the level that balances its two
   parts; a sort of two levels or more, lanes >= 3), or where the sort has more
   compare-exchange levels than the merge stage (auto, the default). */
typedef enum {
    HG_CUT_OFF,  /* "off" */
    HG_CUT_ON,   /* "on" */
    HG_CUT_AUTO, /* "auto" */
    HG_NCUTS
} hg_cut_kind;

typedef struct hg_cfg {
    /* chosen by the user */
    hg_core_kind core;
    int d;                          /* head dimension */
    int p;                          /* lanes: keys scored per cycle */
    int n;                          /* top-N (top-N cores; recorded but unused by the baseline) */
    int l;                          /* maximum keys per head */
    int wb;                         /* softmax weight fraction bits: weights lie in [0, 2^wb] */
    int fb;                         /* int8 cores: index bits of the 2^-f exp fraction table */
    int of;                         /* output fraction bits */
    int vb;                         /* value bits: each V element a vb-bit two's complement */
    int lw;                         /* keys per K/V load beat: a power of two dividing p */
    hg_sel_kind sel;                /* top-N selector (top-N cores; recorded but unused by the baseline):
                                       the core type's (hg_core_sel) unless sel_given */
    hg_cut_kind cut;                /* twostage: the sort cut (auto with every other selector) */
    int shadow;                     /* HAD, --etab-shadow on: the exp table's writes fill a shadow table,
                                       taken while the core is busy, and hg_etab_copy's write copies it in */
    int fan_opt;                    /* --av-fan: HG_AV_FAN_AUTO (0, the zero value), HG_AV_FAN_OFF or the
                                       AV dimensions behind each fan-out stage, 1..d */
    char prefix[HG_PREFIX_MAX + 1]; /* module name prefix */
    int sel_given;                  /* 1 once sel was chosen (--selector): a new core type keeps it */

    /* derived by hg_cfg_finish() */
    int g;    /* groups per query: ceil(l / p) */
    int iw;   /* key index width: clog2(l), at least 1 */
    int kw;   /* bits per key and per query: d (HAD) or 8d */
    int vw;   /* bits per value row: vb * d */
    int mw;   /* HAD match count width: bits to hold 0..d */
    int sw;   /* score width: mw (HAD, unsigned) or 16 + clog2(d) (int8, signed) */
    int ns;   /* keys summed in AV: n (top-N cores) or l (baseline) */
    int r;    /* AV key slots per cycle: ceil(n / g) (top-N) or p (baseline) */
    int ww;   /* weight width: wb + 1 */
    int ew;   /* HAD exp-table entries a configuration write: 32 / ww (hg_etab_words) */
    int xw;   /* HAD exp-table word address width: bits to hold ceil((d + 1) / ew) - 1 + shadow (the copy
                 word), at least 1 */
    int accw; /* AV accumulator width (signed): wb + vb + clog2(ns) */
    int wsw;  /* weight-sum width (unsigned): wb + 1 + clog2(ns) */
    int rq;   /* reciprocal exponent: recip = floor(2^rq / wsum), rq = wsw + of + vb */
    int ow;   /* output width (signed): vb + of */
    int bpc;  /* reciprocal quotient bits per cycle */
    int cr;   /* reciprocal cycles: ceil((rq + 1) / bpc) */
    int mn;   /* normalizer multipliers */
    int cm;   /* normalizer multiply cycles: ceil(d / mn) */
    int ii;   /* steady-state cycles per query at n_k = l: max(g, cr + cm) */
    int kc;   /* twostage: sorter levels before its cut register, 0 when the sort is not cut */
    int fan;  /* AV dimensions per fan-out buffer stage, 0: none. fan_opt auto: HG_AV_FAN when
                 d > HG_AV_FAN, else 0; off: 0; else fan_opt */
} hg_cfg;

/* Fills c with the defaults for the given core type (d 64, P 16, N 32, L 1024, wb 8,
   fb 6, of 8, vb 8, load width 1, the core type's selector (hg_core_sel), sort cut auto, prefix empty:
   hg_cfg_finish() then uses the core's short name). Derived fields are left zero. Cannot fail. */
void hg_cfg_default(hg_cfg *c, hg_core_kind core);

/* Sets the core type; the selector follows it (hg_core_sel) unless one was chosen (sel_given).
   --core goes through this, so "--core int8-topn" alone builds int8 + top-N with its own
   default selector, and "--selector merge --core had" keeps merge. */
void hg_cfg_set_core(hg_cfg *c, hg_core_kind k);

/* Command-line names of the configuration options, NULL-terminated: core, d, lanes, top-n,
   max-keys, weight-bits, exp-frac-bits, out-frac, v-bits, load-width, selector, sort-cut, etab-shadow,
   av-fan, prefix. Every tool that takes a core
   configuration accepts them as --name VALUE. */
extern const char *const hg_cfg_options[];

/* Sets configuration option opt (a name from hg_cfg_options) from its command-line text.
   Returns 0, or -1 with a message in err naming the option and value (not an integer,
   unknown core type, selector or sort cut, prefix too long). Ranges are checked later by hg_cfg_finish(). */
int hg_cfg_set(hg_cfg *c, const char *opt, const char *val, char *err, size_t errlen);

/* --av-fan's value as the command line and the manifest write it: "auto", "off" or the group size
   ("32"), into buf (16 bytes hold any). Returns buf. */
const char *hg_cfg_fan_text(const hg_cfg *c, char *buf, size_t n);

/* Writes the options that reproduce c ("--core had --d 64 ...") into buf. */
void hg_cfg_args(const hg_cfg *c, char *buf, size_t n);

/* 1 if the len characters at p are a valid module prefix (--prefix): 1..HG_PREFIX_MAX of
   [a-z0-9_], not starting with a digit; else 0. */
int hg_cfg_prefix_ok(const char *p, size_t len);

/* Validates the user fields of c and computes the derived ones. On error returns -1 and
   writes into err (size errlen) a message naming the option (as on the hadgen command
   line), the value and what is allowed; c's derived fields are then unspecified. */
int hg_cfg_finish(hg_cfg *c, char *err, size_t errlen);

/* The derived fields as manifest.json names them ("derived" object), in its order; the
   table ends with a NULL name. hg_cfg_field_value reads one from a finished c. */
typedef struct hg_cfg_field {
    const char *name;
    size_t offset; /* offsetof(hg_cfg, field), an int */
} hg_cfg_field;
extern const hg_cfg_field hg_cfg_derived[];
int hg_cfg_field_value(const hg_cfg *c, const hg_cfg_field *f);

/* Sets *c from the text of a manifest.json that hadgen wrote: its "params" (every
   configuration option, as hg_cfg_set and hg_cfg_finish check them on the command line),
   then checks that its "derived" values are the ones this hadgen derives (a manifest of
   another version differs there). Returns 0, or -1 with a message naming the field, its
   value and what is allowed (not JSON, not a hadgen manifest, a parameter missing, unknown,
   of the wrong type or out of range, a derived value that differs). */
int hg_cfg_from_manifest(hg_cfg *c, const char *text, size_t len, char *err, size_t errlen);

/* Core-type names as used on the command line ("had", "baseline", "int8-topn"), the short
   form used in module names ("had", "base", "i8topn") and a one-line summary. */
const char *hg_core_name(hg_core_kind k);
const char *hg_core_short(hg_core_kind k);
const char *hg_core_summary(hg_core_kind k);
/* The top-N selector a core type is built with by default (sw/base/hg_cores.def): counting
   for HAD, twostage for int8 + top-N, merge (recorded, unused) for the baseline. */
hg_sel_kind hg_core_sel(hg_core_kind k);
/* Parses a command-line core name; returns 0 and sets *k, or -1 if unknown. */
int hg_core_parse(const char *s, hg_core_kind *k);
/* The core names for a message, "had, baseline or int8-topn" (sep ", ", last " or "), or
   "had|baseline|int8-topn" (sep and last "|"), into buf (truncated to n). Returns buf. */
char *hg_core_choices(char *buf, size_t n, const char *sep, const char *last);

/* Selector names ("merge", "bitonic", "counting", "twostage"); hg_sel_parse returns 0 and sets *k, or -1. */
const char *hg_sel_name(hg_sel_kind k);
int hg_sel_parse(const char *s, hg_sel_kind *k);
/* Every selector name, joined as hg_core_choices joins the core names. */
char *hg_sel_choices(char *buf, size_t n, const char *sep, const char *last);
/* 1 if the selector publishes a query's list later than merge (counting: its second pass;
   twostage: its registers), with the same throughput: a window of the same queries spans more
   cycles. */
int hg_sel_later(hg_sel_kind k);

/* Sort-cut names ("off", "on", "auto"); hg_cut_parse returns 0 and sets *k, or -1. */
const char *hg_cut_name(hg_cut_kind k);
int hg_cut_parse(const char *s, hg_cut_kind *k);

/* 1 for the cores that select the top-N keys (HAD and int8 + top-N). */
int hg_cfg_topn(const hg_cfg *c);

/* Entry f (0 <= f < 2^fb) of the int8 cores' constant exp table:
   round(2^wb * 2^(-f / 2^fb)). Shared by the generator (ROM contents) and the golden model. */
uint32_t hg_exp_frac(const hg_cfg *c, int f);

/* The HAD exp table as its configuration writes: the write to HG_CFG_ETAB + j carries
   entries e j .. e j + e - 1, e = 32 / ww entries a write, entry e j + f in
   bits [f ww +: ww], each at most 2^wb (a larger value is written as 2^wb, where the core
   saturates it); fields past entry d are zero. Writes the ceil((d + 1) / e) words into words
   (room for HG_D_MAX + 1) and returns their count. e is hg_cfg.ew. */
int hg_etab_words(const hg_cfg *c, const uint32_t *etab, uint32_t *words);

/* --etab-shadow on: the address whose write (any data) copies the shadow table into the one the
   core reads, HG_CFG_ETAB + ceil((d + 1) / e); the core takes it only while idle, the table's
   words at any time. */
uint32_t hg_etab_copy(const hg_cfg *c);

/* ceil(log2(x)) for x >= 1 (0 for x = 1). */
int hg_clog2(long x);

#ifdef __cplusplus
}
#endif
#endif
