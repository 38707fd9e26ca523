/*
 * ss_sys.c — the system model's C host side (ss_sys.h): options, the model's build, the child
 * process and the layer messages (ss_proto.h).
 */
#include "ss_sys.h"

#include "hg_util.h"
#include "hs_sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct ss_sys {
    hg_cfg c;
    ss_opts o;
    pid_t pid;
    int fd;     /* socket to the model: its standard input and output */
    int broken; /* a model failure happened: every later call fails */
};

void ss_opts_default(const hg_cfg *c, ss_opts *o)
{
    memset(o, 0, sizeof *o);
    o->cores = 1;
    o->clock_mhz = 100.0;
    o->dram = *ss_dram_find("lpddr4");
    o->chunk = 256;
    o->kv_buffer = 2L * c->l * (hm_key_bytes(c) + ss_value_bytes(c));
    o->q_buffer = 2 * o->chunk > hm_key_bytes(c) ? 2 * o->chunk : hm_key_bytes(c);
    long ob = ((long)c->d * c->ow + 7) / 8;
    o->o_buffer = 2 * o->chunk > ob ? 2 * o->chunk : ob;
    o->sram_pj_bit = 0.1;
}

int ss_opts_check(const hg_cfg *c, const ss_opts *o, char *err, size_t n)
{
    long kb = hm_key_bytes(c), vr = ss_value_bytes(c), ob = ((long)c->d * c->ow + 7) / 8;
    char why[200];
    if (o->cores < 1 || o->cores > 64)
        hg_errf(err, n, "cores %d: must be in 1..64", o->cores);
    else if (!(o->clock_mhz > 0 && o->clock_mhz <= 10000))
        hg_errf(err, n, "clock %g MHz: must be in (0, 10000]", o->clock_mhz);
    else if (ss_dram_check(&o->dram, why, sizeof why) != 0)
        hg_errf(err, n, "%s", why);
    else if (o->chunk < 1 || o->chunk > 65536)
        hg_errf(err, n, "DMA request size %ld bytes: must be in 1..65536", o->chunk);
    else if (o->kv_buffer < 2 * (kb + vr) || o->kv_buffer > (1L << 40))
        hg_errf(err, n,
                "K/V buffer %ld bytes: must hold two banks of at least one key (%ld bytes) and be at "
                "most 2^40",
                o->kv_buffer, 2 * (kb + vr));
    else if (o->q_buffer < kb || o->q_buffer > (1L << 40))
        hg_errf(err, n, "query buffer %ld bytes: must hold one query (%ld bytes) and be at most 2^40",
                o->q_buffer, kb);
    else if (o->o_buffer < ob || o->o_buffer > (1L << 40))
        hg_errf(err, n, "output buffer %ld bytes: must hold one output (%ld bytes) and be at most 2^40",
                o->o_buffer, ob);
    else if (!(o->sram_pj_bit >= 0 && o->sram_pj_bit <= 1000))
        hg_errf(err, n, "on-chip energy %g pJ/bit: must be in 0..1000", o->sram_pj_bit);
    else
        return 0;
    return -1;
}

ss_sys *ss_open(const hg_cfg *c, const ss_opts *o, char *err, size_t n)
{
    if (ss_opts_check(c, o, err, n) != 0) return NULL;
    char path[4096];
    static const char *const deps[] = {"sim/sys/ss_build.sh",
                                       "sim/hs_lib.sh",
                                       "sim/sys/ss_model.cpp",
                                       "sim/sys/ss_dram.c",
                                       "sim/sys/ss_dram.h",
                                       "sim/sys/ss_proto.h",
                                       NULL};
    if (hs_build_model(c, o->cache_dir, "sys", "sim/sys/ss_build.sh", deps, "hgsys-model", o->quiet, path,
                       sizeof path, err, n) != 0)
        return NULL;
    char a[28][64];
    int na = 0;
#define ARG(...) snprintf(a[na++], sizeof a[0], __VA_ARGS__)
    ARG("--d=%d", c->d);
    ARG("--key-bytes=%d", hm_key_bytes(c));
    ARG("--value-bytes=%d", ss_value_bytes(c));
    ARG("--out-width=%d", c->ow);
    ARG("--lanes=%d", c->p);
    ARG("--load-width=%d", c->lw);
    ARG("--top-n=%d", c->ns);
    ARG("--av-slots=%d", c->r);
    ARG("--norm-cycles=%d", c->cr + c->cm);
    ARG("--max-keys=%d", c->l);
    ARG("--cores=%d", o->cores);
    ARG("--clock-mhz=%.17g", o->clock_mhz);
    ARG("--dram-name=%s", o->dram.name ? o->dram.name : "custom");
    ARG("--dram-gbps=%.17g", o->dram.gbytes_s);
    ARG("--dram-latency-ns=%.17g", o->dram.latency_ns);
    ARG("--dram-burst=%u", o->dram.burst);
    ARG("--dram-pj-read=%.17g", o->dram.pj_bit_read);
    ARG("--dram-pj-write=%.17g", o->dram.pj_bit_write);
    ARG("--kv-buffer=%ld", o->kv_buffer);
    ARG("--q-buffer=%ld", o->q_buffer);
    ARG("--o-buffer=%ld", o->o_buffer);
    ARG("--chunk=%ld", o->chunk);
    ARG("--sram-pj-bit=%.17g", o->sram_pj_bit);
#undef ARG
    char *argv[30];
    argv[0] = path;
    for (int i = 0; i < na; i++) argv[i + 1] = a[i];
    argv[na + 1] = NULL;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        hg_errf(err, n, "cannot start the system model: socketpair: %s", strerror(errno));
        return NULL;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        hg_errf(err, n, "cannot start the system model: fork: %s", strerror(errno));
        close(sv[0]);
        close(sv[1]);
        return NULL;
    }
    if (pid == 0) {
        if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0) _exit(127);
        setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
        execv(path, argv);
        fprintf(stderr, "hgsys-model: cannot run '%s': %s\n", path, strerror(errno));
        _exit(127);
    }
    close(sv[1]);
    ss_sys *s = calloc(1, sizeof *s);
    s->c = *c;
    s->o = *o;
    s->pid = pid;
    s->fd = sv[0];
    return s;
}

static int send_all(ss_sys *s, const void *p, size_t len)
{
    const char *b = p;
    while (len) {
        ssize_t r = send(s->fd, b, len, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        b += r;
        len -= (size_t)r;
    }
    return 0;
}

static int recv_all(ss_sys *s, void *p, size_t len)
{
    char *b = p;
    while (len) {
        ssize_t r = recv(s->fd, b, len, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        b += r;
        len -= (size_t)r;
    }
    return 0;
}

/* The model stopped answering: reap it and say how it ended. */
static int model_failed(ss_sys *s, char *err, size_t n)
{
    s->broken = 1;
    int st = 0;
    close(s->fd);
    s->fd = -1;
    if (s->pid > 0 && waitpid(s->pid, &st, 0) == s->pid) {
        s->pid = 0;
        if (WIFSIGNALED(st))
            hg_errf(err, n, "the system model died (signal %d); its messages are on stderr", WTERMSIG(st));
        else
            hg_errf(err, n, "the system model exited (status %d); its messages are on stderr",
                    WEXITSTATUS(st));
    } else {
        hg_errf(err, n, "the system model stopped answering");
    }
    return -1;
}

/* The head's configuration writes, as hs_load makes them (hm_cfg_writes): the first after the
   early ones is n_keys, which restarts the load (ss_proto.h: the model sends it alone and the
   others beside the K/V beats); the early ones, a shadow exp table, it may send while the
   previous head of the core runs. */
static int head_regs(const hg_cfg *c, const hm_run *run, ss_reg *r, int *early)
{
    uint32_t addr[HM_CFG_WRITES_MAX], data[HM_CFG_WRITES_MAX];
    int m = hm_cfg_writes(c, run, addr, data, early);
    for (int i = 0; i < m; i++) r[i] = (ss_reg){addr[i], data[i]};
    return m;
}

int ss_value_bytes(const hg_cfg *c) { return (c->vw + 7) / 8; }

/* Sends nk V rows packed as the core's kv_v_i holds them (hm_v_pack): the bytes that DRAM and
   the K/V buffer hold. */
static int send_values(ss_sys *s, const int8_t *v, size_t nk)
{
    const hg_cfg *c = &s->c;
    uint8_t row[HG_D_MAX];
    for (size_t j = 0; j < nk; j++) {
        hm_v_pack(c, v + j * (size_t)c->d, row);
        if (send_all(s, row, (size_t)ss_value_bytes(c)) != 0) return -1;
    }
    return 0;
}

static int check_heads(const ss_sys *s, int nh, const ss_head *h, char *err, size_t n)
{
    const hg_cfg *c = &s->c;
    long kb = hm_key_bytes(c), bank = s->o.kv_buffer / 2;
    if (nh < 1 || nh > 4096) {
        hg_errf(err, n, "%d heads in a layer: must be in 1..4096", nh);
        return -1;
    }
    for (int i = 0; i < nh; i++) {
        int nk = h[i].run->n_keys;
        long need = (long)nk * (kb + ss_value_bytes(c));
        if (nk < 1 || nk > c->l)
            hg_errf(err, n, "head %d: %d keys: the core holds 1..%d (--max-keys)", i, nk, c->l);
        else if (need > bank)
            hg_errf(
                err, n,
                "head %d: K and V of %d keys take %ld bytes, more than one bank of the K/V buffer (%ld of "
                "%ld bytes); give a K/V buffer of at least %ld bytes",
                i, nk, need, bank, s->o.kv_buffer, 2 * need);
        else if (h[i].n_q < 1 || h[i].n_q > 65536)
            hg_errf(err, n, "head %d: %d queries: must be in 1..65536", i, h[i].n_q);
        else
            continue;
        return -1;
    }
    return 0;
}

int ss_layer(ss_sys *s, int nh, const ss_head *h, ss_layer_stats *st, char *err, size_t n)
{
    if (s->broken) {
        hg_errf(err, n, "the system model failed earlier");
        return -1;
    }
    if (check_heads(s, nh, h, err, n) != 0) return -1;
    const hg_cfg *c = &s->c;
    size_t kb = (size_t)hm_key_bytes(c), d = (size_t)c->d;
    ss_layer_hdr lh = {SS_MAGIC, SS_VERSION, (uint32_t)nh, 0};
    if (send_all(s, &lh, sizeof lh) != 0) return model_failed(s, err, n);
    ss_reg regs[HM_CFG_WRITES_MAX];
    for (int i = 0; i < nh; i++) {
        size_t nk = (size_t)h[i].run->n_keys, nq = (size_t)h[i].n_q;
        int early = 0, nr = head_regs(c, h[i].run, regs, &early);
        ss_head_hdr hh = {(uint32_t)nk, (uint32_t)nq, (uint32_t)nr, (uint32_t)early};
        if (send_all(s, &hh, sizeof hh) != 0 || send_all(s, regs, (size_t)nr * sizeof regs[0]) != 0 ||
            send_all(s, h[i].k, nk * kb) != 0 || send_values(s, h[i].v, nk) != 0 ||
            send_all(s, h[i].q, nq * kb) != 0)
            return model_failed(s, err, n);
    }
    ss_reply_hdr r;
    if (recv_all(s, &r, sizeof r) != 0 || r.magic != SS_MAGIC) return model_failed(s, err, n);
    if (r.status != 0) {
        char msg[512];
        size_t m = r.msg_len < sizeof msg - 1 ? r.msg_len : sizeof msg - 1;
        if (recv_all(s, msg, m) != 0) return model_failed(s, err, n);
        for (size_t rest = r.msg_len - m; rest > 0; rest--) {
            char ch;
            if (recv_all(s, &ch, 1) != 0) return model_failed(s, err, n);
        }
        msg[m] = 0;
        hg_errf(err, n, "%s", msg);
        return -1;
    }
    for (int i = 0; i < nh; i++)
        if (recv_all(s, h[i].out, (size_t)h[i].n_q * d * sizeof(int32_t)) != 0)
            return model_failed(s, err, n);
    ss_layer_stats tmp;
    if (recv_all(s, &tmp, sizeof tmp) != 0) return model_failed(s, err, n);
    if (st) *st = tmp;
    return 0;
}

double ss_core_share(const ss_layer_stats *st, uint64_t part)
{
    uint64_t all = st->core_busy + st->core_wait + st->core_idle;
    return all ? (double)part / (double)all : 0.0;
}

double ss_dram_util(const ss_layer_stats *st)
{
    return st->time_ns > 0 ? st->dram_busy_ns / st->time_ns : 0.0;
}

const char *ss_bound(const ss_layer_stats *st)
{
    return st->roof_compute_ns >= st->roof_memory_ns ? "compute" : "memory";
}

void ss_close(ss_sys *s)
{
    if (!s) return;
    if (s->fd >= 0) close(s->fd); /* end of input: the model stops */
    if (s->pid > 0) waitpid(s->pid, NULL, 0);
    free(s);
}
