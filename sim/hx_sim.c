/*
 * hx_sim.c — Icarus Verilog runs of a generated core (the second simulator of hgxsim):
 * compile with sim/hx_tb.v, write the vectors as hex, run vvp, read outputs and cycles.
 */
#include "hx_sim.h"

#include "hg_emit.h"
#include "hg_file.h"
#include "hg_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef HG_SRC_DIR
#error "HG_SRC_DIR (the source tree) must be defined by the build"
#endif
#ifndef HX_VPI_DIR
#error "HX_VPI_DIR (the folder of hx_vpi.vpi) must be defined by the build"
#endif

#define HX_MAX_QUERIES (1 << 20)
#define HX_MAX_FILES   64
#define HX_DIR_MAX                                                                                           \
    (HG_FILE_PATH_MAX - 512) /* longest working or RTL folder path: room for
                                               "/" and a file name of up to 255 bytes */

/* Files every run writes in the working folder (removed by hx_close). */
static const char *const run_files[] = {"cfg.hex",   "keys.hex", "values.hex", "queries.hex", "out.hex",
                                        "stats.txt", "vvp.log",  "hx.vvp",     "iverilog.log"};
#define N_RUN_FILES (sizeof run_files / sizeof run_files[0])

struct hx_sim {
    hg_cfg c;
    char work[HX_DIR_MAX + 1];
    char rtl[HX_DIR_MAX + 1];
    int gen_rtl; /* 1: rtl/ was generated here (hx_close removes it) */
    int keep, maxq, four_state;
    long x_bits;               /* bits the last run set from x to 0 */
    char *files[HX_MAX_FILES]; /* filelist.f entries, plain .v names */
    int nfiles;
};

/* ---- helpers ------------------------------------------------------------------------ */

/* buf = a + "/" + b; -1 if it does not fit. */
static int join(char *buf, size_t n, const char *a, const char *b)
{
    int len = snprintf(buf, n, "%s/%s", a, b);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}

/* 1 if s is a plain Verilog file name: [A-Za-z0-9_][A-Za-z0-9_.-]*.v, at most 255 bytes
   (it becomes an argument of iverilog: no '/', no leading '-' or '+'). */
static int plain_v_name(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > 255 || strcmp(s + n - 2, ".v") != 0) return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '_' || (i > 0 && (ch == '.' || ch == '-'));
        if (!ok) return 0;
    }
    return 1;
}

/* The last lines of a tool log (at most ~600 bytes) into buf, for a message. */
static void log_tail(const char *path, char *buf, size_t n)
{
    size_t size = 0;
    char *t = hg_file_read(path, -1, &size, NULL, 0);
    buf[0] = '\0';
    if (!t) return;
    size_t from = size > 600 ? size - 600 : 0;
    snprintf(buf, n, "%s", t + from);
    free(t);
}

/* Runs argv (argv[0] found on PATH, no shell) in folder cwd with stdout and stderr to log.
   Returns the exit status, or -1 if it could not be started or was killed. */
static int run_tool(char *const argv[], const char *cwd, const char *log)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd < 0 || chdir(cwd) != 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) _exit(126);
        close(fd);
        execvp(argv[0], argv);
        fprintf(stderr, "cannot run '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The program named by environment variable env, else dflt, copied into buf. */
static char *tool(const char *env, const char *dflt, char *buf, size_t n)
{
    const char *t = getenv(env);
    snprintf(buf, n, "%s", t && *t ? t : dflt);
    return buf;
}

/* Reads filelist.f of folder dir into files[] (*nfiles entries, strdup'd; files may be
   NULL to only check). Each entry must be a plain .v name of a regular file in dir. */
static int read_filelist(const char *dir, char **files, int *nfiles, char *err, size_t n)
{
    char path[HG_FILE_PATH_MAX], why[256];
    *nfiles = 0;
    if (strlen(dir) > HX_DIR_MAX || join(path, sizeof path, dir, "filelist.f") != 0) {
        hg_errf(err, n, "RTL folder path longer than %d bytes", HX_DIR_MAX);
        return -1;
    }
    char *text = hg_file_read(path, 1 << 20, NULL, why, sizeof why);
    if (!text) {
        hg_errf(err, n, "'%s': %s", path, why);
        return -1;
    }
    int rc = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && !rc;
         line = strtok_r(NULL, "\n", &save)) {
        if (!line[0] || line[0] == '#') continue;
        char file[HG_FILE_PATH_MAX];
        struct stat st;
        if (!plain_v_name(line)) {
            hg_errf(err, n,
                    "'%s': entry '%.60s' is not a plain Verilog file name "
                    "([A-Za-z0-9_][A-Za-z0-9_.-]*.v, no folder)",
                    path, line);
            rc = -1;
        } else if (*nfiles == HX_MAX_FILES) {
            hg_errf(err, n, "'%s': more than %d files", path, HX_MAX_FILES);
            rc = -1;
        } else if (join(file, sizeof file, dir, line) != 0 || stat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
            hg_errf(err, n, "'%s': entry '%s' is not a regular file in %s", path, line, dir);
            rc = -1;
        } else {
            if (files) files[*nfiles] = strdup(line);
            (*nfiles)++;
        }
    }
    free(text);
    if (!rc && *nfiles == 0) {
        hg_errf(err, n, "'%s' lists no Verilog files", path);
        rc = -1;
    }
    return rc;
}

int hx_check_rtl_dir(const char *dir, char *err, size_t n)
{
    int count;
    return read_filelist(dir, NULL, &count, err, n);
}

/* ---- open: generate and compile ------------------------------------------------------ */

static int compile(hx_sim *x, char *err, size_t n)
{
    const hg_cfg *c = &x->c;
    char def[10][64], tb[HG_FILE_PATH_MAX], log[HG_FILE_PATH_MAX + 16], tail[700];
    char *paths[HX_MAX_FILES];
    char *argv[20 + HX_MAX_FILES];
    int na = 0;
    /* cycles without progress before a stream counts as hung: the bound of hs_sim's
       watchdog (more than 16 times the latency of a query) */
    long long patience = 64LL * (c->ii + c->g + c->n + c->cr + c->cm) + 1024;
    snprintf(def[0], sizeof def[0], "-DHX_TOP=%s_core", c->prefix);
    snprintf(def[1], sizeof def[1], "-DHX_KW=%d", c->kw);
    snprintf(def[2], sizeof def[2], "-DHX_D=%d", c->d);
    snprintf(def[3], sizeof def[3], "-DHX_OW=%d", c->ow);
    snprintf(def[4], sizeof def[4], "-DHX_L=%d", c->l);
    snprintf(def[5], sizeof def[5], "-DHX_MAXCFG=%d", HM_CFG_WRITES_MAX);
    snprintf(def[6], sizeof def[6], "-DHX_MAXQ=%d", x->maxq);
    snprintf(def[7], sizeof def[7], "-DHX_PATIENCE=%lld", patience);
    snprintf(def[8], sizeof def[8], "-DHX_VW=%d", c->vw);
    snprintf(def[9], sizeof def[9], "-DHX_LW=%d", c->lw);
    snprintf(tb, sizeof tb, "%s/sim/hx_tb.v", HG_SRC_DIR);
    join(log, sizeof log, x->work, "iverilog.log");
    char prog[512];
    argv[na++] = tool("IVERILOG", "iverilog", prog, sizeof prog);
    argv[na++] = (char *)"-g2005";
    argv[na++] = (char *)"-o";
    argv[na++] = (char *)"hx.vvp";
    for (int i = 0; i < 10; i++) argv[na++] = def[i];
    argv[na++] = tb;
    int rc = 0;
    for (int i = 0; i < x->nfiles; i++) {
        paths[i] = malloc(HG_FILE_PATH_MAX);
        if (!paths[i] || join(paths[i], HG_FILE_PATH_MAX, x->rtl, x->files[i]) != 0) rc = -1;
        argv[na++] = paths[i];
    }
    argv[na] = NULL;
    int st = rc ? -1 : run_tool(argv, x->work, log);
    for (int i = 0; i < x->nfiles; i++) free(paths[i]);
    if (st != 0) {
        log_tail(log, tail, sizeof tail);
        hg_errf(err, n, "compiling '%s' with %s failed (exit %d); %s:\n%s", x->rtl, argv[0], st, log, tail);
        return -1;
    }
    return 0;
}

hx_sim *hx_open(const hg_cfg *c, const hx_opts *o, char *err, size_t n)
{
    struct stat st;
    if (!o || !o->work_dir || stat(o->work_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        hg_errf(err, n, "working folder '%s' is not a directory", o && o->work_dir ? o->work_dir : "");
        return NULL;
    }
    if (o->max_queries < 1 || o->max_queries > HX_MAX_QUERIES) {
        hg_errf(err, n, "max_queries %d: must be in 1..%d", o->max_queries, HX_MAX_QUERIES);
        return NULL;
    }
    if (strlen(o->work_dir) > HX_DIR_MAX || (o->rtl_dir && strlen(o->rtl_dir) > HX_DIR_MAX)) {
        hg_errf(err, n, "working or RTL folder path longer than %d bytes", HX_DIR_MAX);
        return NULL;
    }
    hx_sim *x = calloc(1, sizeof *x);
    if (!x) {
        hg_errf(err, n, "out of memory");
        return NULL;
    }
    x->c = *c;
    x->keep = o->keep;
    x->four_state = o->four_state;
    x->maxq = o->max_queries;
    /* absolute paths: the tools run in the working folder */
    char real[PATH_MAX];
    if (!realpath(o->work_dir, real) || strlen(real) > HX_DIR_MAX) {
        hg_errf(err, n, "working folder '%s': %s", o->work_dir, "cannot resolve its path");
        free(x);
        return NULL;
    }
    memcpy(x->work, real, strlen(real) + 1); /* <= HX_DIR_MAX bytes, checked above */
    int rc = 0;
    if (o->rtl_dir) {
        errno = 0;
        if (!realpath(o->rtl_dir, real) || strlen(real) > HX_DIR_MAX) {
            hg_errf(err, n, "RTL folder '%s': %s", o->rtl_dir, errno ? strerror(errno) : "path too long");
            rc = -1;
        } else {
            memcpy(x->rtl, real, strlen(real) + 1); /* <= HX_DIR_MAX bytes, checked above */
        }
    } else {
        char args[400], cmdline[512];
        /* a new folder: hx_close removes everything in it */
        rc = join(x->rtl, sizeof x->rtl, x->work, "rtl");
        if (rc == 0 && mkdir(x->rtl, 0777) != 0) rc = -1;
        if (rc) {
            hg_errf(err, n, "cannot create '%s/rtl' (it must not exist): %s", x->work, strerror(errno));
        } else {
            x->gen_rtl = 1;
            hg_cfg_args(c, args, sizeof args);
            snprintf(cmdline, sizeof cmdline, "hadgen %s", args);
            rc = hg_emit_core(c, x->rtl, cmdline, err, n) != 0 ? -1 : 0;
        }
    }
    if (rc == 0) rc = read_filelist(x->rtl, x->files, &x->nfiles, err, n);
    if (rc == 0) rc = compile(x, err, n);
    if (rc) {
        hx_close(x);
        return NULL;
    }
    return x;
}

/* ---- run ----------------------------------------------------------------------------- */

/* Appends count vectors of nbytes bytes each as hex lines (most significant byte first). */
static void hex_lines(char *out, size_t *pos, const uint8_t *v, int count, size_t nbytes)
{
    static const char hx[] = "0123456789abcdef";
    for (int j = 0; j < count; j++) {
        for (size_t b = nbytes; b-- > 0;) {
            uint8_t byte = v[(size_t)j * nbytes + b];
            out[(*pos)++] = hx[byte >> 4];
            out[(*pos)++] = hx[byte & 15];
        }
        out[(*pos)++] = '\n';
    }
}

/* Writes name in the working folder from count vectors of nbytes bytes. */
static int write_hex(const hx_sim *x, const char *name, const uint8_t *v, int count, size_t nbytes, char *err,
                     size_t n)
{
    char path[HG_FILE_PATH_MAX], why[256];
    size_t size = (size_t)count * (2 * nbytes + 1), pos = 0;
    char *text = malloc(size + 1);
    if (!text || join(path, sizeof path, x->work, name) != 0) {
        free(text);
        hg_errf(err, n, "out of memory or path too long writing %s", name);
        return -1;
    }
    hex_lines(text, &pos, v, count, nbytes);
    int rc = hg_file_write(path, text, pos, why, sizeof why);
    free(text);
    if (rc) hg_errf(err, n, "'%s': %s", path, why);
    return rc;
}

/* The configuration writes of hs_load (hm_cfg_writes) as 6-byte {addr, data} vectors. Returns
   their count. */
static int cfg_writes(const hg_cfg *c, const hm_run *run, uint8_t *buf)
{
    uint32_t addr[HM_CFG_WRITES_MAX], data[HM_CFG_WRITES_MAX];
    int k = hm_cfg_writes(c, run, addr, data, NULL);
    for (int i = 0; i < k; i++) { /* little-endian: data in bytes 0..3, addr in 4..5 */
        for (int b = 0; b < 4; b++) buf[6 * i + b] = (uint8_t)(data[i] >> (8 * b));
        buf[6 * i + 4] = (uint8_t)addr[i];
        buf[6 * i + 5] = (uint8_t)(addr[i] >> 8);
    }
    return k;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Decodes one out.hex line (query qi) into d sign-extended values of ow bits. */
static int decode_out(const hx_sim *x, const char *line, size_t len, int qi, int32_t *out, char *err,
                      size_t n)
{
    const hg_cfg *c = &x->c;
    size_t digits = ((size_t)c->d * (size_t)c->ow + 3) / 4;
    if (len != digits) {
        hg_errf(err, n, "Icarus output %d: %zu hex digits, expected %zu (d=%d x %d bits)", qi, len, digits,
                c->d, c->ow);
        return -1;
    }
    for (int i = 0; i < c->d; i++) {
        uint64_t v = 0;
        for (int b = 0; b < c->ow; b++) {
            size_t bit = (size_t)i * (size_t)c->ow + (size_t)b;
            char ch = line[digits - 1 - bit / 4];
            int h = hexval(ch);
            if (h < 0) {
                hg_errf(err, n,
                        "Icarus output %d, dimension %d: o_data_o bit %zu is x or z "
                        "(hex digit '%c'); Verilator's two-state model cannot show this",
                        qi, i, bit, ch);
                return -1;
            }
            v |= (uint64_t)((h >> (bit % 4)) & 1) << b;
        }
        if (v >> (c->ow - 1)) v |= ~0ull << c->ow;
        out[(size_t)qi * (size_t)c->d + (size_t)i] = (int32_t)(int64_t)v;
    }
    return 0;
}

/* Reads out.hex (nq lines) into out. */
static int read_outputs(const hx_sim *x, int nq, int32_t *out, char *err, size_t n)
{
    char path[HG_FILE_PATH_MAX], why[256];
    join(path, sizeof path, x->work, "out.hex");
    size_t size = 0;
    long long max = (long long)nq * ((long long)x->c.d * x->c.ow / 4 + 4) + 16;
    char *text = hg_file_read(path, max, &size, why, sizeof why);
    if (!text) {
        hg_errf(err, n, "Icarus outputs '%s': %s", path, why);
        return -1;
    }
    int qi = 0, rc = 0;
    for (char *p = text; *p && !rc; qi++) {
        char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (qi >= nq) {
            hg_errf(err, n, "Icarus gave more than %d outputs", nq);
            rc = -1;
        } else {
            rc = decode_out(x, p, len, qi, out, err, n);
        }
        p += len + (e ? 1 : 0);
    }
    free(text);
    if (!rc && qi != nq) {
        hg_errf(err, n, "Icarus gave %d outputs for %d queries", qi, nq);
        rc = -1;
    }
    return rc;
}

/* Reads stats.txt ("name value" lines, as hx_tb.v writes them) into st. */
static int read_stats(hx_sim *x, hs_stats *st, char *err, size_t n)
{
    static const char *const keys[] = {"cycles",    "cycles_cfg", "cycles_load",  "cycles_query",
                                       "first_out", "last_out",   "x_bits_zeroed"};
    uint64_t xb = 0;
    uint64_t *dst[] = {&st->cycles,
                       &st->cycles_cfg,
                       &st->cycles_load,
                       &st->cycles_query,
                       &st->last_first_out,
                       &st->last_last_out,
                       &xb};
    const int nkeys = (int)(sizeof keys / sizeof keys[0]);
    char path[HG_FILE_PATH_MAX], why[256];
    join(path, sizeof path, x->work, "stats.txt");
    char *text = hg_file_read(path, 4096, NULL, why, sizeof why);
    if (!text) {
        hg_errf(err, n, "Icarus cycle counts '%s': %s", path, why);
        return -1;
    }
    int found = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' ');
        long v;
        if (!sp) continue;
        *sp = '\0';
        for (int i = 0; i < nkeys; i++)
            if (strcmp(line, keys[i]) == 0 && hg_parse_long(sp + 1, 0, 1L << 62, &v) == 0) {
                *dst[i] = (uint64_t)v;
                found |= 1 << i;
            }
    }
    free(text);
    if (found != (1 << nkeys) - 1) {
        hg_errf(err, n, "'%s': malformed cycle counts", path);
        return -1;
    }
    x->x_bits = (long)xb;
    return 0;
}

long hx_x_bits(const hx_sim *x) { return x->x_bits; }

int hx_run(hx_sim *x, const hm_run *run, const uint8_t *k, const int8_t *v, int nq, const uint8_t *q,
           const hx_stalls *stalls, int32_t *out, hs_stats *st, char *err, size_t n)
{
    const hg_cfg *c = &x->c;
    if (run->n_keys < 1 || run->n_keys > c->l || nq < 1 || nq > x->maxq) {
        hg_errf(err, n, "n_keys %d, queries %d: must be in 1..%d and 1..%d", run->n_keys, nq, c->l, x->maxq);
        return -1;
    }
    uint8_t cfg[6 * HM_CFG_WRITES_MAX];
    int ncfg = cfg_writes(c, run, cfg);
    size_t kb = (size_t)hm_key_bytes(c);
    char path[HG_FILE_PATH_MAX], log[HG_FILE_PATH_MAX], tail[700];
    join(path, sizeof path, x->work, "out.hex");
    unlink(path);
    join(path, sizeof path, x->work, "stats.txt");
    unlink(path);
    size_t vrow = ((size_t)c->vw + 7) / 8; /* V rows as kv_v_i holds them (hm_v_pack) */
    uint8_t *vp = malloc((size_t)run->n_keys * vrow);
    if (!vp) {
        hg_errf(err, n, "out of memory for %d value rows", run->n_keys);
        return -1;
    }
    for (int j = 0; j < run->n_keys; j++) hm_v_pack(c, v + (size_t)j * (size_t)c->d, vp + (size_t)j * vrow);
    int bad = write_hex(x, "cfg.hex", cfg, ncfg, 6, err, n) ||
              write_hex(x, "keys.hex", k, run->n_keys, kb, err, n) ||
              write_hex(x, "values.hex", vp, run->n_keys, vrow, err, n) ||
              write_hex(x, "queries.hex", q, nq, kb, err, n);
    free(vp);
    if (bad) return -1;
    hx_stalls none = {0, 0, 1};
    const hx_stalls *s = stalls ? stalls : &none;
    char a[7][40];
    snprintf(a[0], sizeof a[0], "+hx_ncfg=%d", ncfg);
    snprintf(a[1], sizeof a[1], "+hx_nk=%d", run->n_keys);
    snprintf(a[2], sizeof a[2], "+hx_nq=%d", nq);
    snprintf(a[3], sizeof a[3], "+hx_qgap=%d", s->q_gap_pct);
    snprintf(a[4], sizeof a[4], "+hx_ostall=%d", s->o_stall_pct);
    snprintf(a[5], sizeof a[5], "+hx_seed=%u", (unsigned)(s->seed & 0x7fffffffu));
    snprintf(a[6], sizeof a[6], "+hx_four_state=%d", x->four_state);
    char prog[512];
    char *argv[] = {tool("VVP", "vvp", prog, sizeof prog),
                    (char *)"-M",
                    (char *)HX_VPI_DIR,
                    (char *)"-m",
                    (char *)"hx_vpi",
                    (char *)"-n",
                    (char *)"hx.vvp",
                    a[0],
                    a[1],
                    a[2],
                    a[3],
                    a[4],
                    a[5],
                    a[6],
                    NULL};
    join(log, sizeof log, x->work, "vvp.log");
    int rc = run_tool(argv, x->work, log);
    log_tail(log, tail, sizeof tail);
    const char *anomaly = strstr(tail, "HX ");
    if (rc != 0 || anomaly) {
        char what[300];
        snprintf(what, sizeof what, "%.280s", anomaly ? anomaly + 3 : tail);
        what[strcspn(what, "\n")] = '\0';
        hg_errf(err, n, "Icarus run %s: %s (vvp log %s)", rc != 0 ? "failed" : "stopped", what, log);
        return -1;
    }
    memset(st, 0, sizeof *st);
    st->queries = (uint64_t)nq;
    return read_outputs(x, nq, out, err, n) || read_stats(x, st, err, n) ? -1 : 0;
}

void hx_close(hx_sim *x)
{
    if (!x) return;
    char path[HG_FILE_PATH_MAX];
    if (!x->keep) {
        for (size_t i = 0; i < N_RUN_FILES; i++)
            if (join(path, sizeof path, x->work, run_files[i]) == 0) unlink(path);
        if (x->gen_rtl) { /* made by hx_open, filled by the generator only */
            DIR *d = opendir(x->rtl);
            struct dirent *e;
            while (d && (e = readdir(d)) != NULL)
                if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                    join(path, sizeof path, x->rtl, e->d_name) == 0)
                    unlink(path);
            if (d) closedir(d);
            rmdir(x->rtl);
        }
    }
    for (int i = 0; i < x->nfiles; i++) free(x->files[i]);
    free(x);
}
