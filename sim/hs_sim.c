/*
 * hs_sim.c — C API to the Verilator simulation of a generated core: build cache, dynamic
 * loading of the per-configuration shim, and the host side of the core's streams.
 */
#include "hg_file.h"
#include "hg_util.h"
#include "hs_sim.h"

#include "hg_emit.h"
#include "hs_port.h"
#include "hs_probes.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef HG_SRC_DIR
#error "HG_SRC_DIR (the source tree) must be defined by the build"
#endif

struct hs_sim {
    hg_cfg c;
    void *dl;
    const hs_port_api *api;
    void *m;
    hs_stats st;
    int q_gap, o_stall;
    uint32_t rng;
    uint32_t lv[HS_NPORTS];                       /* the levels the host drives onto the input ports */
    int k_words, kv_k_words, kv_v_words, o_words; /* query, load beat's keys and values, output */
    uint32_t *buf;
    uint8_t *vrow; /* a load beat's lw V rows as kv_v_i holds them (hm_v_pack), vb*d/8 bytes each */
};

/* ---- build cache -------------------------------------------------------------------- */

/* buf = dir + "/" + name; returns -1 (and an empty string) if it does not fit. */
static int joinp(char *buf, size_t n, const char *dir, const char *name)
{
    int len = snprintf(buf, n, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= n) {
        buf[0] = 0;
        return -1;
    }
    return 0;
}

static const char *variant_of(const hs_opts *o)
{
    if (o && o->trace_fst) return "trace";
    if (o && o->capture_dir) return "capture";
    return "plain";
}

int hs_check_cache_dir(const char *dir, char *err, size_t n)
{
    if (!dir[0]) {
        hg_errf(err, n, "must not be empty (give a folder, e.g. build/sim)");
        return -1;
    }
    for (const char *p = dir; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x20 || ch == 0x7f || ch == '\'') {
            hg_errf(err, n,
                    "holds %s (byte 0x%02x at %td); choose a path without quotes or "
                    "control characters",
                    ch == '\'' ? "a quote" : "a control character", ch, p - dir);
            return -1;
        }
    }
    char real[PATH_MAX];
    if (dir[strspn(dir, "/")] == '\0' || (realpath(dir, real) && strcmp(real, "/") == 0)) {
        hg_errf(err, n, "is the filesystem root; choose a folder for the simulation builds");
        return -1;
    }
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        hg_errf(err, n, "exists and is not a directory");
        return -1;
    }
    return 0;
}

static void cache_root(const hs_opts *o, char *buf, size_t n)
{
    const char *env = getenv("HADGEN_SIM_CACHE");
    if (o && o->cache_dir)
        snprintf(buf, n, "%s", o->cache_dir);
    else if (env && *env)
        snprintf(buf, n, "%s", env);
    else
        snprintf(buf, n, "%s/build/sim", HG_SRC_DIR);
}

/* Directory of the built model of c in a variant, under the cache root (a selector other than
   the default merge, a sort cut other than auto, value bits other than 8 and a load width other
   than 1, the shadow exp table and an AV fan-out other than auto are named:
   "..._o8_bitonic_v4_had-plain", "..._o8_twostage_cutoff_lw8_had-plain", "..._o8_fan32_base-plain"). */
static void variant_dir(const hg_cfg *c, const char *root, const char *variant, char *buf, size_t n)
{
    char sel[32] = "", vb[48] = "", fan[16];
    if (c->sel != HG_SEL_MERGE) snprintf(sel, sizeof sel, "%s_", hg_sel_name(c->sel));
    if (c->cut != HG_CUT_AUTO)
        snprintf(sel + strlen(sel), sizeof sel - strlen(sel), "cut%s_", hg_cut_name(c->cut));
    if (c->vb != 8) snprintf(vb, sizeof vb, "v%d_", c->vb);
    if (c->lw != 1) snprintf(vb + strlen(vb), sizeof vb - strlen(vb), "lw%d_", c->lw);
    if (c->shadow) snprintf(vb + strlen(vb), sizeof vb - strlen(vb), "shadow_");
    if (c->fan_opt != HG_AV_FAN_AUTO)
        snprintf(vb + strlen(vb), sizeof vb - strlen(vb), "fan%s_", hg_cfg_fan_text(c, fan, sizeof fan));
    snprintf(buf, n, "%s/%s_d%d_p%d_n%d_l%d_w%d_f%d_o%d_%s%s%s-%s", root, hg_core_short(c->core), c->d, c->p,
             c->n, c->l, c->wb, c->fb, c->of, sel, vb, c->prefix, variant);
}

static void model_dir(const hg_cfg *c, const hs_opts *o, char *buf, size_t n)
{
    char root[2048];
    cache_root(o, root, sizeof root);
    variant_dir(c, root, variant_of(o), buf, n);
}

int hs_lib_path(const hg_cfg *c, const hs_opts *o, char *path, size_t n)
{
    char dir[3072];
    model_dir(c, o, dir, sizeof dir);
    return snprintf(path, n, "%s/libhs.so", dir) < (int)n ? 0 : -1;
}

static int mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(tmp, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* FNV-1a over the bytes of a file (none if it cannot be read). */
static uint64_t hash_file(uint64_t h, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return h;
    unsigned char buf[1 << 14];
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) h = hg_fnv1a(h, buf, r);
    fclose(f);
    return h;
}

/* FNV-1a over a string and its terminator (unset: the terminator alone), so that it cannot
   run into what is hashed before or after it. */
static uint64_t hash_str(uint64_t h, const char *s)
{
    if (!s) s = "";
    return hg_fnv1a(h, s, strlen(s) + 1);
}

/* FNV-1a of the files named in dir/filelist.f, of the probes file, of the model's own
   sources (deps: paths in the source tree, NULL-terminated) and of $HADGEN_VERILATOR_FLAGS, so
   that a change of any rebuilds the model. */
static uint64_t rtl_hash(const char *dir, const char *probes, const char *const *deps)
{
    uint64_t h = HG_FNV1A_INIT;
    char path[4096], line[512];
    joinp(path, sizeof path, dir, "filelist.f");
    FILE *fl = fopen(path, "r");
    if (!fl) return 0;
    while (fgets(line, sizeof line, fl)) {
        line[strcspn(line, "\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        if (joinp(path, sizeof path, dir, line) == 0) h = hash_file(h, path);
    }
    fclose(fl);
    h = hash_file(h, probes);
    for (; deps && *deps; deps++)
        if (joinp(path, sizeof path, HG_SRC_DIR, *deps) == 0) h = hash_file(h, path);
    /* the build scripts' extra Verilator options (sim/hs_lib.sh) make another model */
    return hash_str(h, getenv("HADGEN_VERILATOR_FLAGS"));
}

/* The sources of each kind of model beside its RTL. */
static const char *const hs_deps[] = {"sim/hs_build.sh", "sim/hs_lib.sh", "sim/hs_shim.cpp", "sim/hs_port.h",
                                      NULL};

static uint64_t read_stamp(const char *dir)
{
    char path[4096];
    unsigned long long v = 0;
    joinp(path, sizeof path, dir, "stamp");
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%llx", &v) != 1) v = 0;
        fclose(f);
    }
    return v;
}

/* Generates the RTL of c into dir/rtl and its probes into dir/HS_PROBES_FILE, and builds
   dir/ARTIFACT with SCRIPT (relative to the source tree; called as HS_PROBES=<the probes>
   SCRIPT RTL_DIR OUT_DIR ARGS) unless the stamp says it was built from identical RTL.
   Serialized across processes by a lock file. */
static int ensure_built(const hg_cfg *c, const char *dir, const char *script, const char *const *deps,
                        const char *args_tail, const char *artifact, int quiet, char *err, size_t n)
{
    char rtl[4096], path[4096], cmd[16384];
    if (mkdirs(dir) != 0) {
        hg_errf(err, n, "cannot create simulation cache '%s': %s", dir, strerror(errno));
        return -1;
    }
    joinp(path, sizeof path, dir, "lock");
    int lk = open(path, O_CREAT | O_RDWR, 0666);
    if (lk < 0 || flock(lk, LOCK_EX) != 0) {
        hg_errf(err, n, "cannot lock '%s': %s", path, strerror(errno));
        if (lk >= 0) close(lk);
        return -1;
    }
    joinp(rtl, sizeof rtl, dir, "rtl");
    mkdirs(rtl);
    char cmdline[512], args[400];
    hg_cfg_args(c, args, sizeof args);
    snprintf(cmdline, sizeof cmdline, "hadgen %s", args);
    int rc = hg_emit_core(c, rtl, cmdline, err, n);
    /* the instrumentation, from the manifest: beside the RTL, which is hadgen's alone */
    char probes[4096];
    joinp(probes, sizeof probes, dir, HS_PROBES_FILE);
    if (rc == 0) rc = hs_probes_write(rtl, probes, NULL, 0, err, n);
    uint64_t h = rc == 0 ? rtl_hash(rtl, probes, deps) : 0;
    joinp(path, sizeof path, dir, artifact);
    if (rc == 0 && (read_stamp(dir) != h || access(path, R_OK) != 0)) {
        if (!quiet) fprintf(stderr, "hs: building %s simulation (%s) ...\n", cmdline, artifact);
        snprintf(cmd, sizeof cmd, "HS_PROBES='%s' '%s/%s' '%s' '%s' %s > '%s/build.log' 2>&1", probes,
                 HG_SRC_DIR, script, rtl, dir, args_tail, dir);
        int st = system(cmd);
        if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            hg_errf(err, n, "building the simulation of '%s' failed; see %s/build.log", cmdline, dir);
            rc = -1;
        } else {
            char stamp[32];
            int len = snprintf(stamp, sizeof stamp, "%llx\n", (unsigned long long)h);
            joinp(path, sizeof path, dir, "stamp");
            hg_file_write(path, stamp, (size_t)len, NULL, 0); /* none: rebuilt next time */
        }
    }
    flock(lk, LOCK_UN);
    close(lk);
    return rc;
}

int hs_build_model(const hg_cfg *c, const char *cache_dir, const char *variant, const char *script,
                   const char *const *deps, const char *artifact, int quiet, char *path, size_t pathlen,
                   char *err, size_t n)
{
    char root[2048], dir[3072], why[256];
    hs_opts o = {.cache_dir = cache_dir};
    cache_root(&o, root, sizeof root);
    if (hs_check_cache_dir(root, why, sizeof why) != 0) {
        hg_errf(err, n, "simulation cache '%s': %s", root, why);
        return -1;
    }
    variant_dir(c, root, variant, dir, sizeof dir);
    if (ensure_built(c, dir, script, deps, "", artifact, quiet, err, n) != 0) return -1;
    if (joinp(path, pathlen, dir, artifact) != 0) {
        hg_errf(err, n, "simulation cache path '%s' too long", dir);
        return -1;
    }
    return 0;
}

/* ---- port helpers ------------------------------------------------------------------- */

static void set1(hs_sim *s, int port, uint32_t v)
{
    s->lv[port] = v;
    s->api->set(s->m, port, &v);
}

static uint32_t get1(hs_sim *s, int port)
{
    uint32_t w[2] = {0, 0};
    s->api->get(s->m, port, w);
    return w[0] & 1u;
}

static void tick(hs_sim *s)
{
    s->api->tick(s->m);
    s->st.cycles++;
}

static uint32_t rnd(hs_sim *s)
{
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 17;
    s->rng ^= s->rng << 5;
    return s->rng;
}

/* ---- watchdog ---------------------------------------------------------------------- */

uint64_t hs_watchdog_cycles(const hg_cfg *c)
{
    return HS_WATCHDOG_MULT * (uint64_t)(c->ii + c->g + c->n + c->cr + c->cm) + HS_WATCHDOG_MIN;
}

/* The handshake levels of every stream now: "valid/ready: cfg 1/0, kv 0/0, q 1/0, o 1/0". */
static void levels(hs_sim *s, char *buf, size_t n)
{
    s->api->eval(s->m);
    snprintf(buf, n, "valid/ready: cfg %u/%u, kv %u/%u, q %u/%u, o %u/%u", s->lv[HS_CFG_VALID],
             get1(s, HS_CFG_READY), s->lv[HS_KV_VALID], get1(s, HS_KV_READY), s->lv[HS_Q_VALID],
             get1(s, HS_Q_READY), get1(s, HS_O_VALID), s->lv[HS_O_READY]);
}

/* Formats the watchdog's error: the stream that stalled, the state (what the host waits
   for, and every stream's valid/ready), the cycle, and the bound. */
static void hung(hs_sim *s, const char *stream, const char *state, uint64_t idle, char *err, size_t n)
{
    char lv[128];
    levels(s, lv, sizeof lv);
    const hg_cfg *c = &s->c;
    hg_errf(err, n,
            "simulation hung: %s stream, cycle %llu: %s; %s; no handshake for %llu cycles"
            " (watchdog: %u x (II %d + G %d + N %d + CR %d + CM %d) + %d = %llu cycles)",
            stream, (unsigned long long)s->st.cycles, state, lv, (unsigned long long)idle, HS_WATCHDOG_MULT,
            c->ii, c->g, c->n, c->cr, c->cm, HS_WATCHDOG_MIN, (unsigned long long)hs_watchdog_cycles(c));
}

/* Offers one beat on a stream (valid port vp, ready port rp; data already set) and clocks
   until it is taken; after hs_watchdog_cycles without it, fails naming the stream and the
   beat (what). */
static int beat(hs_sim *s, int vp, int rp, const char *stream, const char *what, char *err, size_t n)
{
    uint64_t bound = hs_watchdog_cycles(&s->c);
    set1(s, vp, 1);
    for (uint64_t t = 0;; t++) {
        s->api->eval(s->m);
        int rdy = (int)get1(s, rp);
        if (!rdy && t >= bound) {
            char state[160];
            snprintf(state, sizeof state, "%s waits for ready", what);
            hung(s, stream, state, t, err, n);
            set1(s, vp, 0);
            return -1;
        }
        tick(s);
        if (rdy) break;
    }
    set1(s, vp, 0);
    return 0;
}

static int cfg_write(hs_sim *s, uint32_t addr, uint32_t data, char *err, size_t n)
{
    char what[64];
    snprintf(what, sizeof what, "the write of address 0x%03x", addr);
    set1(s, HS_CFG_ADDR, addr);
    set1(s, HS_CFG_DATA, data);
    return beat(s, HS_CFG_VALID, HS_CFG_READY, "configuration", what, err, n);
}

/* ---- public API --------------------------------------------------------------------- */

int hs_env_stalls(int *q_gap_pct, int *o_stall_pct, char *err, size_t n)
{
    const char *env = getenv("HADGEN_SIM_STALLS");
    *q_gap_pct = *o_stall_pct = 0;
    if (!env || !*env) return 0;
    char q[16] = "", o[16] = "";
    const char *comma = strchr(env, ',');
    long qv = -1, ov = -1;
    if (comma && comma - env < (ptrdiff_t)sizeof q && strlen(comma + 1) < sizeof o) {
        memcpy(q, env, (size_t)(comma - env));
        strcpy(o, comma + 1);
    }
    if (hg_parse_long(q, 0, 100, &qv) != 0 || hg_parse_long(o, 0, 100, &ov) != 0) {
        hg_errf(err, n,
                "HADGEN_SIM_STALLS '%s': must be Q,O: the percentages of cycles in which"
                " the host withholds q_valid and o_ready, integers in 0..100",
                env);
        return -1;
    }
    *q_gap_pct = (int)qv;
    *o_stall_pct = (int)ov;
    return 0;
}

hs_sim *hs_open(const hg_cfg *c, const hs_opts *o, char *err, size_t n)
{
    char dir[3072], path[4096], why[256];
    int q_gap, o_stall;
    if (hs_env_stalls(&q_gap, &o_stall, err, n) != 0) return NULL;
    if (o && o->capture_dir && strlen(o->capture_dir) > HS_CAPTURE_DIR_MAX) {
        hg_errf(err, n,
                "capture directory '%s': %zu bytes, more than the limit of %d (the "
                "simulation's file names DIR/<instance>.hex must fit 256 bytes)",
                o->capture_dir, strlen(o->capture_dir), HS_CAPTURE_DIR_MAX);
        return NULL;
    }
    cache_root(o, dir, sizeof dir);
    if (hs_check_cache_dir(dir, why, sizeof why) != 0) {
        hg_errf(err, n, "simulation cache '%s': %s", dir, why);
        return NULL;
    }
    model_dir(c, o, dir, sizeof dir);
    if (ensure_built(c, dir, "sim/hs_build.sh", hs_deps, variant_of(o), "libhs.so", o && o->quiet, err, n) !=
        0)
        return NULL;
    joinp(path, sizeof path, dir, "libhs.so");
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        hg_errf(err, n, "cannot load '%s': %s", path, dlerror());
        return NULL;
    }
    const hs_port_api *(*getapi)(void);
    *(void **)&getapi = dlsym(dl, "hs_port_get");
    const hs_port_api *api = getapi ? getapi() : NULL;
    if (!api || api->abi != HS_PORT_ABI) {
        hg_errf(err, n, "'%s' is not a simulation library of this version (rebuild it)", path);
        dlclose(dl);
        return NULL;
    }
    if (o && o->capture_dir && mkdirs(o->capture_dir) != 0) {
        hg_errf(err, n, "cannot create capture directory '%s': %s", o->capture_dir, strerror(errno));
        dlclose(dl);
        return NULL;
    }
    hs_sim *s = calloc(1, sizeof *s);
    s->c = *c;
    s->dl = dl;
    s->api = api;
    s->m = api->create(o ? o->trace_fst : NULL, o ? o->capture_dir : NULL);
    s->rng = 1;
    s->k_words = (c->kw + 31) / 32;
    s->kv_k_words = (c->lw * c->kw + 31) / 32;
    s->kv_v_words = (c->lw * c->vw + 31) / 32;
    s->o_words = (c->d * c->ow + 31) / 32;
    int mx = s->kv_k_words > s->kv_v_words ? s->kv_k_words : s->kv_v_words;
    s->buf = calloc((size_t)(mx > s->o_words ? mx : s->o_words) + 2, sizeof *s->buf);
    s->vrow = calloc((size_t)c->lw, (size_t)c->vw / 8);
    /* reset */
    set1(s, HS_RST_N, 0);
    set1(s, HS_O_READY, 0);
    tick(s);
    tick(s);
    set1(s, HS_RST_N, 1);
    s->api->eval(s->m);
    hs_set_stalls(s, q_gap, o_stall, 1);
    return s;
}

void hs_set_stalls(hs_sim *s, int q_gap_pct, int o_stall_pct, uint32_t seed)
{
    s->q_gap = q_gap_pct;
    s->o_stall = o_stall_pct;
    s->rng = seed ? seed : 1;
}

/* Copies nbytes of a vector into the (zeroed) word buffer and onto a port. */
static void put_vec(hs_sim *s, int port, const void *src, size_t nbytes, int words)
{
    memset(s->buf, 0, (size_t)words * sizeof *s->buf);
    memcpy(s->buf, src, nbytes); /* little-endian host: byte i = bits [8i+7:8i] */
    s->api->set(s->m, port, s->buf);
}

int hs_load(hs_sim *s, const hm_run *run, const uint8_t *k, const int8_t *v, char *err, size_t n)
{
    const hg_cfg *c = &s->c;
    if (run->n_keys < 1 || run->n_keys > c->l) {
        hg_errf(err, n, "n_keys %d: must be in 1..%d (--max-keys of this core)", run->n_keys, c->l);
        return -1;
    }
    uint64_t t0 = s->st.cycles;
    uint32_t addr[HM_CFG_WRITES_MAX], data[HM_CFG_WRITES_MAX];
    for (int i = 0, nr = hm_cfg_writes(c, run, addr, data, NULL); i < nr; i++)
        if (cfg_write(s, addr[i], data[i], err, n) != 0) return -1;
    uint64_t t1 = s->st.cycles;
    size_t kb = (size_t)hm_key_bytes(c), vrb = (size_t)c->vw / 8;
    /* beats of lw keys; the last one's keys past n_keys are zero (loaded, never read) */
    for (int j = 0; j < run->n_keys; j += c->lw) {
        int m = run->n_keys - j < c->lw ? run->n_keys - j : c->lw;
        put_vec(s, HS_KV_K, k + (size_t)j * kb, (size_t)m * kb, s->kv_k_words);
        memset(s->vrow, 0, (size_t)c->lw * vrb);
        for (int i = 0; i < m; i++)
            hm_v_pack(c, v + (size_t)(j + i) * (size_t)c->d, s->vrow + (size_t)i * vrb);
        put_vec(s, HS_KV_V, s->vrow, (size_t)c->lw * vrb, s->kv_v_words);
        char what[64];
        if (c->lw > 1)
            snprintf(what, sizeof what, "keys/values %d..%d of %d", j, j + m - 1, run->n_keys);
        else
            snprintf(what, sizeof what, "key/value %d of %d", j, run->n_keys);
        if (beat(s, HS_KV_VALID, HS_KV_READY, "keys/values", what, err, n) != 0) return -1;
    }
    s->st.cycles_cfg += t1 - t0;
    s->st.cycles_load += s->st.cycles - t1;
    return 0;
}

/* Output value i (ow bits, sign-extended) of the word buffer. */
static int32_t out_elem(const hs_sim *s, int i)
{
    int ow = s->c.ow, lo = i * ow;
    uint64_t x = 0;
    for (int b = 0; b < ow; b++) x |= (uint64_t)((s->buf[(lo + b) / 32] >> ((lo + b) % 32)) & 1u) << b;
    if (x >> (ow - 1)) x |= ~0ull << ow;
    return (int32_t)(int64_t)x;
}

int hs_run(hs_sim *s, int nq, const uint8_t *q, int32_t *out, char *err, size_t n)
{
    const hg_cfg *c = &s->c;
    size_t kb = (size_t)hm_key_bytes(c);
    int qi = 0, oi = 0, shown = -1, qv_was = -1, ordy_was = -1;
    uint64_t t0 = s->st.cycles, last = t0, bound = hs_watchdog_cycles(c);
    while (oi < nq) {
        int qv = qi < nq && !(s->q_gap && (int)(rnd(s) % 100u) < s->q_gap);
        int ordy = !(s->o_stall && (int)(rnd(s) % 100u) < s->o_stall);
        /* touch the model's inputs only when they change: evaluation is the cost */
        int changed = qv != qv_was || ordy != ordy_was;
        if (qv && shown != qi) {
            put_vec(s, HS_Q_DATA, q + (size_t)qi * kb, kb, s->k_words);
            shown = qi;
            changed = 1;
        }
        if (qv != qv_was) set1(s, HS_Q_VALID, (uint32_t)qv);
        if (ordy != ordy_was) set1(s, HS_O_READY, (uint32_t)ordy);
        qv_was = qv;
        ordy_was = ordy;
        if (changed) s->api->eval(s->m);
        int qr = (int)get1(s, HS_Q_READY);
        if (get1(s, HS_O_VALID) && ordy) {
            s->api->get(s->m, HS_O_DATA, s->buf);
            for (int i = 0; i < c->d; i++) out[(size_t)oi * (size_t)c->d + (size_t)i] = out_elem(s, i);
            if (oi == 0) s->st.last_first_out = s->st.cycles - t0;
            s->st.last_last_out = s->st.cycles - t0;
            oi++;
            last = s->st.cycles;
        }
        if (qv && qr) {
            qi++;
            last = s->st.cycles;
        }
        tick(s);
        if (s->st.cycles - last >= bound) {
            /* the host waits for the output of query oi if one is owed, else for the core to
               take query qi */
            char state[200];
            const char *why = oi < qi ? (s->o_stall >= 100 ? " (the host holds o_ready low: "
                                                             "output stalls 100%)"
                                                           : "")
                                      : (s->q_gap >= 100 ? " (the host withholds q_valid: query "
                                                           "gaps 100%)"
                                                         : "");
            snprintf(state, sizeof state, "%d of %d queries taken, %d outputs; waiting for %s %d%s", qi, nq,
                     oi, oi < qi ? "the output of query" : "the core to take query", oi < qi ? oi : qi, why);
            hung(s, oi < qi ? "outputs" : "queries", state, s->st.cycles - last, err, n);
            set1(s, HS_Q_VALID, 0);
            return -1;
        }
    }
    set1(s, HS_Q_VALID, 0);
    set1(s, HS_O_READY, 0);
    s->st.cycles_query += s->st.cycles - t0;
    s->st.queries += (uint64_t)nq;
    return 0;
}

void hs_get_stats(const hs_sim *s, hs_stats *st)
{
    uint64_t mc[HS_NMEM];
    *st = s->st;
    s->api->mem_counts(s->m, mc);
    st->kmem_reads = mc[HS_KMEM_RD];
    st->kmem_writes = mc[HS_KMEM_WR];
    st->vmem_reads = mc[HS_VMEM_RD];
    st->vmem_writes = mc[HS_VMEM_WR];
    st->smem_reads = mc[HS_SMEM_RD];
    st->smem_writes = mc[HS_SMEM_WR];
}

void hs_close(hs_sim *s)
{
    if (!s) return;
    s->api->destroy(s->m);
    fflush(NULL); /* the captures: the Verilator runtime never closes what $fopen opened */
    dlclose(s->dl);
    free(s->buf);
    free(s->vrow);
    free(s);
}
