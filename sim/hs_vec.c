/* hs_vec.c — hgsim's vector files: reading and checking (see hs_vec.h). */
#include "hs_vec.h"

#include "hg_file.h"
#include "hg_util.h"
#include "hm_golden.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads the whole input file of option opt, a regular file of at most max bytes (what: how
   that limit follows from the configuration). NULL with a message in err. */
static unsigned char *read_input(const char *opt, const char *path, long long max, const char *what,
                                 size_t *size, char *err, size_t n)
{
    char why[256];
    unsigned char *b = (unsigned char *)hg_file_read(path, max, size, why, sizeof why);
    if (!b)
        hg_errf(err, n, "--%s '%s': %s%s%s%s", opt, path, why, strstr(why, "limit") ? " (" : "",
                strstr(why, "limit") ? what : "", strstr(why, "limit") ? ")" : "");
    return b;
}

/* The hint for a keys file whose key count disagrees with the values: a file of the other
   key layout (HAD sign bits vs int8) has a matching count. */
static const char *layout_hint(const hg_cfg *c, size_t ks, size_t vs)
{
    size_t d = (size_t)c->d, other = c->core == HG_CORE_HAD ? d : d / 8;
    if (ks % other == 0 && vs % d == 0 && ks / other == vs / d)
        return c->core == HG_CORE_HAD ? " (the keys file has the size of int8 keys of d bytes:"
                                        " was it made for --core baseline or int8-topn?)"
                                      : " (the keys file has the "
                                        "size of HAD keys of d/8 bytes: was it made for --core had?)";
    return "";
}

int hs_vec_check(const hg_cfg *c, const char *kpath, const char *vpath, const char *qpath, size_t ks,
                 size_t vs, size_t qs, int n_keys, hs_vec *x, char *err, size_t n)
{
    size_t kb = (size_t)hm_key_bytes(c);
    if (ks == 0 || ks % kb) {
        hg_errf(err, n,
                "--keys '%s': %zu bytes, not a positive multiple of the key size %zu "
                "(d=%d, core %s)",
                kpath, ks, kb, c->d, hg_core_name(c->core));
        return -1;
    }
    if (qs == 0 || qs % kb) {
        hg_errf(err, n,
                "--queries '%s': %zu bytes, not a positive multiple of the query size "
                "%zu",
                qpath, qs, kb);
        return -1;
    }
    if (ks / kb > (size_t)c->l) { /* a file within its size limit never is */
        hg_errf(err, n, "--keys '%s': %zu keys, more than max-keys %d", kpath, ks / kb, c->l);
        return -1;
    }
    if (qs / kb > (size_t)HS_VEC_MAX_QUERIES) {
        hg_errf(err, n, "--queries '%s': %zu queries, more than %ld", qpath, qs / kb, HS_VEC_MAX_QUERIES);
        return -1;
    }
    int have = (int)(ks / kb);
    if (vs != (size_t)have * (size_t)c->d) {
        hg_errf(err, n,
                "--values '%s': %zu bytes, expected %zu: --keys '%s' holds %d keys (%zu "
                "bytes of %zu per key, core %s d=%d), and the values file must hold as many "
                "values of d=%d bytes%s",
                vpath, vs, (size_t)have * (size_t)c->d, kpath, have, ks, kb, hg_core_name(c->core), c->d,
                c->d, layout_hint(c, ks, vs));
        return -1;
    }
    if (n_keys < 0) n_keys = have;
    if (n_keys < 1 || n_keys > have || n_keys > c->l) {
        hg_errf(err, n, "--n-keys %d: must be in 1..%d (keys in the file: %d, max-keys: %d)", n_keys,
                have < c->l ? have : c->l, have, c->l);
        return -1;
    }
    x->have = have;
    x->n_keys = n_keys;
    x->nq = (int)(qs / kb);
    return 0;
}

int hs_vec_read(const hg_cfg *c, const char *kpath, const char *vpath, const char *qpath, int n_keys,
                hs_vec *x, char *err, size_t n)
{
    memset(x, 0, sizeof *x);
    size_t kb = (size_t)hm_key_bytes(c), ks = 0, vs = 0, qs = 0;
    char lim[160];
    snprintf(lim, sizeof lim, "max-keys %d x %zu bytes per key, core %s d=%d", c->l, kb,
             hg_core_name(c->core), c->d);
    x->k = read_input("keys", kpath, (long long)c->l * (long long)kb, lim, &ks, err, n);
    snprintf(lim, sizeof lim, "max-keys %d x d=%d bytes per value", c->l, c->d);
    if (x->k) x->v = (int8_t *)read_input("values", vpath, (long long)c->l * c->d, lim, &vs, err, n);
    snprintf(lim, sizeof lim, "%ld queries x %zu bytes per query, core %s d=%d", HS_VEC_MAX_QUERIES, kb,
             hg_core_name(c->core), c->d);
    if (x->v) x->q = read_input("queries", qpath, HS_VEC_MAX_QUERIES * (long long)kb, lim, &qs, err, n);
    if (!x->q || hs_vec_check(c, kpath, vpath, qpath, ks, vs, qs, n_keys, x, err, n) != 0) {
        hs_vec_free(x);
        return -1;
    }
    return 0;
}

void hs_vec_free(hs_vec *x)
{
    free(x->k);
    free(x->v);
    free(x->q);
    memset(x, 0, sizeof *x);
}
