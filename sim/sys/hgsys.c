/*
 * hgsys — runs a synthetic attention layer through the system model (ss_sys.h): random keys,
 * values and queries for H heads of a chosen context length, and prints the layer's cycles
 * (computing and waiting for memory), utilization, traffic per tensor, energy split, latency,
 * throughput and the bound next to the analytical roofline.
 *
 * Exit codes: 0 success (and, with --check, bit-exact), 1 mismatch or model failure, 2 bad
 * command line.
 */
#include "hg_config.h"
#include "hg_file.h"
#include "hg_util.h"
#include "hm_golden.h"
#include "ss_sys.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f)
{
    char cores[64];
    fprintf(f,
            "usage: hgsys [core options] [workload] [system options] [--check] [--json FILE]\n"
            "\n"
            "Runs one attention layer of random data through the system model: H instances of the\n"
            "generated core (cycle-accurate, verilator --sc), K/V, query and output buffers, DMA and\n"
            "a DRAM channel (docs/system.md). The model is built and cached on first use.\n"
            "\n"
            "core options (as for hadgen): --core %s --d --lanes --top-n\n"
            "  --max-keys (default: the context) --weight-bits --exp-frac-bits --out-frac --v-bits\n"
            "  --load-width --selector --sort-cut --etab-shadow --av-fan --prefix\n"
            "\n"
            "workload:\n"
            "  --context T       keys per head, 1..16384 (default 1024)\n"
            "  --queries Q       queries per head, 1..65536 (default: the context)\n"
            "  --heads H         heads in the layer, 1..4096 (default 12)\n"
            "  --n-per-128 K     top-N scaled with the context: N = K x T / 128 (sets --top-n)\n"
            "  --seed S          random data seed (default 1)\n"
            "system:\n"
            "  --cores C         core instances, 1..64 (default 1); head h runs on instance h %% C\n"
            "  --clock-mhz F     core clock (default 100)\n"
            "  --dram NAME       DRAM preset (default lpddr4; --list-dram prints them)\n"
            "  --bandwidth GBPS  DRAM bandwidth, overrides the preset's\n"
            "  --latency-ns NS   DRAM latency, overrides the preset's\n"
            "  --dram-pj-bit E   DRAM access energy per bit, overrides the preset's\n"
            "  --kv-buffer B     K/V buffer bytes per instance, two banks (default: 2 x L keys)\n"
            "  --q-buffer B      query buffer bytes (default 512)\n"
            "  --o-buffer B      output buffer bytes (default 512)\n"
            "  --chunk B         bytes per DMA request (default 256)\n"
            "  --sram-pj-bit E   on-chip buffer energy per bit (default 0.1)\n"
            "  --core-nj-query E core logic energy per query (the synthesis flow's figure at this\n"
            "                    configuration; default 0: not counted)\n"
            "  --core-nj-cycle E core logic energy per busy cycle of queries (the flow's energy per\n"
            "                    query over its cycles per query; default 0)\n"
            "  --core-nj-load-cycle E  per configuration write or K/V load beat (default 0)\n"
            "  --core-nj-head E  per head's configuration and K/V load (default 0)\n"
            "  --core-nj-key E   per key loaded (default 0)\n"
            "  --core-nj-score E per key a query scores (n_k for each query; default 0); the six\n"
            "                    add up (docs/system.md)\n"
            "options:\n"
            "  --check           compare every output with the golden model (exit 1 on mismatch)\n"
            "  --json FILE       write the figures as JSON (atomically)\n"
            "  --list-dram       print the DRAM presets and their sources, and exit\n"
            "  --cache DIR       model build cache (default $HADGEN_SIM_CACHE or build/sim)\n"
            "  --help            this text\n",
            hg_core_choices(cores, sizeof cores, " | ", " | "));
}

enum {
    O_CFG = 256,
    O_CONTEXT,
    O_QUERIES,
    O_HEADS,
    O_NSCALE,
    O_SEED,
    O_CORES,
    O_CLOCK,
    O_DRAM,
    O_BW,
    O_LAT,
    O_DPJ,
    O_KVBUF,
    O_QBUF,
    O_OBUF,
    O_CHUNK,
    O_SPJ,
    O_CORE_NJ,
    O_CORE_CYC,
    O_CORE_LOAD,
    O_CORE_KEY,
    O_CORE_SCORE,
    O_CORE_HEAD,
    O_CHECK,
    O_JSON,
    O_LIST,
    O_CACHE,
    O_HELP
};

typedef struct {
    hg_cfg c;
    ss_opts so;
    int context, queries, heads, nscale, check, max_keys_set, top_n_set;
    long seed, kv_buffer, q_buffer, o_buffer, chunk;
    double core_nj, core_cyc, core_load, core_key; /* nJ a query, busy query cycle, load cycle, key */
    double core_score, core_head;                  /* nJ a key scored, a head's load */
    double clock, bw, lat, dpj, spj;
    const char *dram, *json, *cache;
} args;

static long int_opt(const char *name, const char *s, long lo, long hi)
{
    long v;
    if (hg_parse_long(s, lo, hi, &v) != 0)
        hg_die_usage("hgsys", "--%s '%s': must be an integer in %ld..%ld", name, s, lo, hi);
    return v;
}

static double num_opt(const char *name, const char *s, double lo, double hi)
{
    double v;
    if (hg_parse_double(s, &v) != 0 || !(v >= lo && v <= hi))
        hg_die_usage("hgsys", "--%s '%s': must be a number in %g..%g", name, s, lo, hi);
    return v;
}

static void list_dram(void)
{
    for (const ss_dram_params *p = ss_dram_presets; p->name; p++)
        printf("%-8s %7.1f GB/s  %5.0f ns  %4u B bursts  %4.1f / %4.1f pJ/bit read / write\n         %s\n",
               p->name, p->gbytes_s, p->latency_ns, p->burst, p->pj_bit_read, p->pj_bit_write, p->source);
}

static void set_opt(args *a, int ch, const char *name, const char *v)
{
    char err[512];
    switch (ch) {
    case O_CFG:
        if (!strcmp(name, "max-keys")) a->max_keys_set = 1;
        if (!strcmp(name, "top-n")) a->top_n_set = 1;
        if (hg_cfg_set(&a->c, name, v, err, sizeof err) != 0) hg_die_usage("hgsys", "%s", err);
        break;
    case O_CONTEXT: a->context = (int)int_opt(name, v, 1, HG_L_MAX); break;
    case O_QUERIES: a->queries = (int)int_opt(name, v, 1, 65536); break;
    case O_HEADS: a->heads = (int)int_opt(name, v, 1, 4096); break;
    case O_NSCALE: a->nscale = (int)int_opt(name, v, 1, HG_L_MAX); break;
    case O_SEED: a->seed = int_opt(name, v, 0, 0x7fffffff); break;
    case O_CORES: a->so.cores = (int)int_opt(name, v, 1, 64); break;
    case O_CLOCK: a->clock = num_opt(name, v, 1e-3, 1e4); break;
    case O_DRAM: a->dram = v; break;
    case O_BW: a->bw = num_opt(name, v, 1e-3, 1e5); break;
    case O_LAT: a->lat = num_opt(name, v, 0, 1e6); break;
    case O_DPJ: a->dpj = num_opt(name, v, 0, 1000); break;
    case O_KVBUF: a->kv_buffer = int_opt(name, v, 1, 1L << 40); break;
    case O_QBUF: a->q_buffer = int_opt(name, v, 1, 1L << 40); break;
    case O_OBUF: a->o_buffer = int_opt(name, v, 1, 1L << 40); break;
    case O_CHUNK: a->chunk = int_opt(name, v, 1, 65536); break;
    case O_SPJ: a->spj = num_opt(name, v, 0, 1000); break;
    case O_CORE_NJ: a->core_nj = num_opt(name, v, 0, 1e9); break;
    case O_CORE_CYC: a->core_cyc = num_opt(name, v, 0, 1e9); break;
    case O_CORE_LOAD: a->core_load = num_opt(name, v, 0, 1e9); break;
    case O_CORE_KEY: a->core_key = num_opt(name, v, 0, 1e9); break;
    case O_CORE_SCORE: a->core_score = num_opt(name, v, 0, 1e9); break;
    case O_CORE_HEAD: a->core_head = num_opt(name, v, 0, 1e9); break;
    case O_CHECK: a->check = 1; break;
    case O_JSON: a->json = v; break;
    case O_CACHE: a->so.cache_dir = v; break;
    default: break;
    }
}

/* The configuration: max-keys defaults to the context, top-N to the scaled rule if given. */
static void finish_cfg(args *a)
{
    char err[512], v[32];
    if (!a->max_keys_set) {
        snprintf(v, sizeof v, "%d", a->context);
        hg_cfg_set(&a->c, "max-keys", v, err, sizeof err);
        if (a->c.p > a->context) a->c.p = a->context;
    }
    if (a->nscale) {
        if (a->top_n_set) hg_die_usage("hgsys", "--n-per-128 and --top-n both set N; give one");
        long nn = ((long)a->nscale * a->context + 127) / 128;
        snprintf(v, sizeof v, "%ld", nn < 1 ? 1 : nn);
        hg_cfg_set(&a->c, "top-n", v, err, sizeof err);
    } else if (!a->top_n_set && a->c.n > a->c.l) {
        a->c.n = a->c.l;
    }
    if (hg_cfg_finish(&a->c, err, sizeof err) != 0) hg_die_usage("hgsys", "%s", err);
    if (a->context > a->c.l)
        hg_die_usage("hgsys", "--context %d: more keys than the core holds (--max-keys %d)", a->context,
                     a->c.l);
}

/* The system options over the defaults of the configuration, then checked. */
static void finish_sys(args *a)
{
    char err[512];
    ss_opts d;
    const char *cache = a->so.cache_dir;
    int cores = a->so.cores;
    ss_opts_default(&a->c, &d);
    a->so = d;
    a->so.cache_dir = cache;
    a->so.cores = cores ? cores : 1;
    if (a->dram) {
        const ss_dram_params *p = ss_dram_find(a->dram);
        if (!p) hg_die_usage("hgsys", "--dram '%s': not a preset (--list-dram prints them)", a->dram);
        a->so.dram = *p;
    }
    if (a->bw > 0) a->so.dram.gbytes_s = a->bw, a->so.dram.name = "custom";
    if (a->lat >= 0) a->so.dram.latency_ns = a->lat, a->so.dram.name = "custom";
    if (a->dpj >= 0) a->so.dram.pj_bit_read = a->so.dram.pj_bit_write = a->dpj, a->so.dram.name = "custom";
    if (a->clock > 0) a->so.clock_mhz = a->clock;
    if (a->kv_buffer) a->so.kv_buffer = a->kv_buffer;
    if (a->q_buffer) a->so.q_buffer = a->q_buffer;
    if (a->o_buffer) a->so.o_buffer = a->o_buffer;
    if (a->chunk) a->so.chunk = a->chunk;
    if (a->spj >= 0) a->so.sram_pj_bit = a->spj;
    if (ss_opts_check(&a->c, &a->so, err, sizeof err) != 0) hg_die_usage("hgsys", "%s", err);
    if (a->json && hg_file_check_output(a->json, err, sizeof err) != 0)
        hg_die_usage("hgsys", "--json '%s': %s", a->json, err);
}

static void parse_args(int argc, char **argv, args *a)
{
    static const struct option own[] = {{"context", 1, 0, O_CONTEXT},
                                        {"queries", 1, 0, O_QUERIES},
                                        {"heads", 1, 0, O_HEADS},
                                        {"n-per-128", 1, 0, O_NSCALE},
                                        {"seed", 1, 0, O_SEED},
                                        {"cores", 1, 0, O_CORES},
                                        {"clock-mhz", 1, 0, O_CLOCK},
                                        {"dram", 1, 0, O_DRAM},
                                        {"bandwidth", 1, 0, O_BW},
                                        {"latency-ns", 1, 0, O_LAT},
                                        {"dram-pj-bit", 1, 0, O_DPJ},
                                        {"kv-buffer", 1, 0, O_KVBUF},
                                        {"q-buffer", 1, 0, O_QBUF},
                                        {"o-buffer", 1, 0, O_OBUF},
                                        {"chunk", 1, 0, O_CHUNK},
                                        {"sram-pj-bit", 1, 0, O_SPJ},
                                        {"core-nj-query", 1, 0, O_CORE_NJ},
                                        {"core-nj-cycle", 1, 0, O_CORE_CYC},
                                        {"core-nj-load-cycle", 1, 0, O_CORE_LOAD},
                                        {"core-nj-key", 1, 0, O_CORE_KEY},
                                        {"core-nj-score", 1, 0, O_CORE_SCORE},
                                        {"core-nj-head", 1, 0, O_CORE_HEAD},
                                        {"check", 0, 0, O_CHECK},
                                        {"json", 1, 0, O_JSON},
                                        {"list-dram", 0, 0, O_LIST},
                                        {"cache", 1, 0, O_CACHE},
                                        {"help", 0, 0, O_HELP},
                                        {0, 0, 0, 0}};
    struct option opts[48];
    int no = 0;
    for (int i = 0; hg_cfg_options[i]; i++) opts[no++] = (struct option){hg_cfg_options[i], 1, 0, O_CFG};
    memcpy(&opts[no], own, sizeof own);
    *a = (args){.context = 1024, .heads = 12, .seed = 1, .lat = -1, .dpj = -1, .spj = -1};
    hg_cfg_default(&a->c, HG_CORE_HAD);
    int ch, idx = 0;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":", opts, &idx)) != -1) {
        if (ch == O_HELP) usage(stdout), exit(0);
        if (ch == O_LIST) list_dram(), exit(0);
        if (ch == ':') hg_die_usage("hgsys", "option '%s' needs a value (see --help)", argv[optind - 1]);
        if (ch == '?') hg_die_usage("hgsys", "unknown option '%s' (see --help)", argv[optind - 1]);
        set_opt(a, ch, opts[idx].name, optarg);
    }
    if (optind < argc) hg_die_usage("hgsys", "unexpected argument '%s' (see --help)", argv[optind]);
    if (!a->queries) a->queries = a->context;
    finish_cfg(a);
    finish_sys(a);
}

static uint32_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (uint32_t)(*s >> 16);
}

/* Random heads: keys, values, queries, and the run-time configuration. */
typedef struct {
    hm_run *run;
    uint8_t *k, *q;
    int8_t *v;
    int32_t *out;
} layer_data;

static void make_layer(const args *a, layer_data *L, ss_head *h)
{
    const hg_cfg *c = &a->c;
    size_t kb = (size_t)hm_key_bytes(c), nk = (size_t)a->context, nq = (size_t)a->queries, d = (size_t)c->d;
    uint64_t s = 0x9E3779B97F4A7C15ull ^ (uint64_t)a->seed;
    for (int i = 0; i < a->heads; i++) {
        layer_data *x = &L[i];
        x->run = calloc(1, sizeof *x->run);
        x->k = malloc(nk * kb);
        x->v = malloc(nk * d);
        x->q = malloc(nq * kb);
        x->out = calloc(nq * d, sizeof *x->out);
        if (!x->run || !x->k || !x->v || !x->q || !x->out) {
            fprintf(stderr, "hgsys: out of memory for %d heads of %zu keys\n", a->heads, nk);
            exit(1);
        }
        for (size_t j = 0; j < nk * kb; j++) x->k[j] = (uint8_t)rnd(&s);
        for (size_t j = 0; j < nk * d; j++) x->v[j] = (int8_t)rnd(&s);
        for (size_t j = 0; j < nq * kb; j++) x->q[j] = (uint8_t)rnd(&s);
        x->run->n_keys = (int)nk;
        if (c->core == HG_CORE_HAD)
            hm_had_etab(c, 0.125, x->run->etab);
        else
            hm_exp_params(c, 0.02, 0.02, &x->run->exp_mul, &x->run->exp_shift);
        h[i] = (ss_head){x->run, x->k, x->v, (int)nq, x->q, x->out};
    }
}

static long check_layer(const args *a, const layer_data *L)
{
    const hg_cfg *c = &a->c;
    size_t kb = (size_t)hm_key_bytes(c), d = (size_t)c->d;
    int32_t *g = malloc(d * sizeof *g);
    if (!g) {
        fprintf(stderr, "hgsys: out of memory for the check\n");
        exit(1);
    }
    long bad = 0;
    for (int i = 0; i < a->heads; i++)
        for (int q = 0; q < a->queries; q++) {
            hm_attend(c, L[i].run, L[i].q + (size_t)q * kb, L[i].k, L[i].v, g, NULL);
            if (memcmp(g, L[i].out + (size_t)q * d, d * sizeof *g) != 0) {
                if (bad < 3)
                    fprintf(stderr,
                            "hgsys: head %d query %d: the system model's output differs from the golden\n", i,
                            q);
                bad++;
            }
        }
    free(g);
    return bad;
}

/* The derived figures of a layer. */
typedef struct {
    double core_util, dram_util, core_pj, total_pj, qps, roof_ns, ratio;
    const char *bound;
} derived;

static derived derive(const args *a, const ss_layer_stats *st)
{
    derived r;
    r.core_util = ss_core_share(st, st->core_busy);
    r.dram_util = ss_dram_util(st);
    /* per query, per busy cycle of queries, per configuration or load cycle, per key loaded, per
       key scored, per head loaded */
    r.core_pj =
        1e3 * (a->core_nj * (double)st->queries + a->core_cyc * (double)(st->core_busy - st->core_load) +
               a->core_load * (double)st->core_load + a->core_key * (double)st->keys +
               a->core_score * (double)st->query_keys + a->core_head * (double)st->heads);
    r.total_pj = r.core_pj + st->sram_pj + st->dram_pj;
    r.qps = st->time_ns > 0 ? (double)st->queries / (st->time_ns * 1e-9) : 0;
    r.roof_ns = st->roof_compute_ns > st->roof_memory_ns ? st->roof_compute_ns : st->roof_memory_ns;
    r.bound = ss_bound(st);
    r.ratio = r.roof_ns > 0 ? st->time_ns / r.roof_ns : 0;
    return r;
}

static void print_layer(const args *a, const ss_layer_stats *st, const derived *r)
{
    const hg_cfg *c = &a->c;
    printf(
        "system: %s d=%d P=%d N=%d L=%d, %d key(s) a load beat, %d instance(s) at %g MHz, DRAM %s %.1f GB/s "
        "%.0f ns\n",
        hg_core_name(c->core), c->d, c->p, c->n, c->l, c->lw, a->so.cores, a->so.clock_mhz, a->so.dram.name,
        a->so.dram.gbytes_s, a->so.dram.latency_ns);
    printf("layer: %d heads x %d keys x %d queries\n", a->heads, a->context, a->queries);
    printf(
        "cycles            %llu  (per instance: busy %llu, of them configuration and K/V load %llu; waiting "
        "for memory %llu, idle %llu)\n",
        (unsigned long long)st->cycles, (unsigned long long)(st->core_busy / (unsigned)a->so.cores),
        (unsigned long long)(st->core_load / (unsigned)a->so.cores),
        (unsigned long long)(st->core_wait / (unsigned)a->so.cores),
        (unsigned long long)(st->core_idle / (unsigned)a->so.cores));
    printf("utilization       cores %.3f  DRAM %.3f\n", r->core_util, r->dram_util);
    printf("DRAM bytes        K %llu  V %llu  Q %llu  O %llu  (%llu requests)\n",
           (unsigned long long)st->bytes_k, (unsigned long long)st->bytes_v, (unsigned long long)st->bytes_q,
           (unsigned long long)st->bytes_o, (unsigned long long)st->dram_requests);
    printf("energy            core %.1f nJ  SRAM %.1f nJ  DRAM %.1f nJ  total %.1f nJ  (%.3f nJ/query)\n",
           r->core_pj / 1e3, st->sram_pj / 1e3, st->dram_pj / 1e3, r->total_pj / 1e3,
           r->total_pj / 1e3 / (double)st->queries);
    printf("time              %.1f us  (%.0f queries/s, %.0f tokens/s per layer)\n", st->time_ns / 1e3,
           r->qps, r->qps / a->heads);
    printf("roofline          compute %.1f us, memory %.1f us: %s-bound; model / roofline %.3f\n",
           st->roof_compute_ns / 1e3, st->roof_memory_ns / 1e3, r->bound, r->ratio);
}

static cJSON *layer_json(const args *a, const ss_layer_stats *st, const derived *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "core", hg_core_name(a->c.core));
    cJSON_AddNumberToObject(j, "d", a->c.d);
    cJSON_AddNumberToObject(j, "lanes", a->c.p);
    cJSON_AddNumberToObject(j, "load_width", a->c.lw);
    cJSON_AddNumberToObject(j, "top_n", a->c.n);
    cJSON_AddNumberToObject(j, "max_keys", a->c.l);
    cJSON_AddNumberToObject(j, "heads", a->heads);
    cJSON_AddNumberToObject(j, "context", a->context);
    cJSON_AddNumberToObject(j, "queries_per_head", a->queries);
    cJSON_AddNumberToObject(j, "instances", a->so.cores);
    cJSON_AddNumberToObject(j, "clock_mhz", a->so.clock_mhz);
    cJSON_AddStringToObject(j, "dram", a->so.dram.name);
    cJSON_AddNumberToObject(j, "dram_gbytes_s", a->so.dram.gbytes_s);
    cJSON_AddNumberToObject(j, "cycles", (double)st->cycles);
    cJSON_AddNumberToObject(j, "core_busy", (double)st->core_busy);
    cJSON_AddNumberToObject(j, "core_load", (double)st->core_load);
    cJSON_AddNumberToObject(j, "core_wait", (double)st->core_wait);
    cJSON_AddNumberToObject(j, "core_idle", (double)st->core_idle);
    cJSON_AddNumberToObject(j, "core_util", r->core_util);
    cJSON_AddNumberToObject(j, "dram_util", r->dram_util);
    cJSON_AddNumberToObject(j, "bytes_k", (double)st->bytes_k);
    cJSON_AddNumberToObject(j, "bytes_v", (double)st->bytes_v);
    cJSON_AddNumberToObject(j, "bytes_q", (double)st->bytes_q);
    cJSON_AddNumberToObject(j, "bytes_o", (double)st->bytes_o);
    cJSON_AddNumberToObject(j, "core_pj", r->core_pj);
    cJSON_AddNumberToObject(j, "sram_pj", st->sram_pj);
    cJSON_AddNumberToObject(j, "dram_pj", st->dram_pj);
    cJSON_AddNumberToObject(j, "time_ns", st->time_ns);
    cJSON_AddNumberToObject(j, "queries_per_s", r->qps);
    cJSON_AddNumberToObject(j, "roof_compute_ns", st->roof_compute_ns);
    cJSON_AddNumberToObject(j, "roof_memory_ns", st->roof_memory_ns);
    cJSON_AddStringToObject(j, "bound", r->bound);
    cJSON_AddNumberToObject(j, "model_over_roofline", r->ratio);
    return j;
}

int main(int argc, char **argv)
{
    args a;
    parse_args(argc, argv, &a);
    char err[1024];
    ss_sys *s = ss_open(&a.c, &a.so, err, sizeof err);
    if (!s) {
        fprintf(stderr, "hgsys: %s\n", err);
        return 1;
    }
    layer_data *L = calloc((size_t)a.heads, sizeof *L);
    ss_head *h = calloc((size_t)a.heads, sizeof *h);
    make_layer(&a, L, h);
    ss_layer_stats st;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = ss_layer(s, a.heads, h, &st, err, sizeof err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ss_close(s);
    if (rc != 0) {
        fprintf(stderr, "hgsys: %s\n", err);
        return 1;
    }
    derived r = derive(&a, &st);
    print_layer(&a, &st, &r);
    printf("wall time         %.2f s\n",
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    long bad = a.check ? check_layer(&a, L) : 0;
    if (a.check) printf("check: outputs differing from the golden model: %ld\n", bad);
    if (a.json) {
        cJSON *j = layer_json(&a, &st, &r);
        char *txt = cJSON_Print(j);
        size_t len = strlen(txt);
        txt[len] = '\n';
        if (hg_file_write(a.json, txt, len + 1, err, sizeof err) != 0) {
            fprintf(stderr, "hgsys: --json '%s': %s\n", a.json, err);
            rc = 1;
        }
        free(txt);
        cJSON_Delete(j);
    }
    for (int i = 0; i < a.heads; i++)
        free(L[i].run), free(L[i].k), free(L[i].v), free(L[i].q), free(L[i].out);
    free(L);
    free(h);
    return rc ? 1 : bad ? 1 : 0;
}
