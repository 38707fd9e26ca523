/*
 * hs_vec.h — the vector files hgsim runs a core on (prefix hs_vec_): keys, values and
 * queries as raw bytes in the layouts of hm_golden.h (docs/spec.md section 2), read and
 * checked against a configuration before anything is simulated.
 */
#ifndef HS_VEC_H
#define HS_VEC_H

#include "hg_config.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HS_VEC_MAX_QUERIES (1L << 20) /* queries per file */

typedef struct hs_vec {
    uint8_t *k; /* keys: have x hm_key_bytes */
    int8_t *v;  /* values: have x d */
    uint8_t *q; /* queries: nq x hm_key_bytes */
    int have;   /* keys (and values) in the files */
    int n_keys; /* keys to load: 1..min(have, L) */
    int nq;     /* queries, >= 1 */
} hs_vec;

/* Reads the keys, values and queries files for configuration c (finished by hg_cfg_finish):
   regular files of at most max-keys keys, max-keys values and HS_VEC_MAX_QUERIES queries;
   sizes whole multiples of a key, as many values as keys (a hint names the other core
   layout when the sizes fit it), n_keys (-1: every key of the file) in 1..min(keys, L).
   Returns 0 with the vectors in *x (hs_vec_free), or -1 with a message in err that names the
   option (--keys, --values, --queries, --n-keys), the file and the limit or sizes. */
int hs_vec_read(const hg_cfg *c, const char *kpath, const char *vpath, const char *qpath, int n_keys,
                hs_vec *x, char *err, size_t n);

/* The same checks on vectors already in memory: ks, vs, qs bytes of keys, values and
   queries (paths name them in messages). Fills have, n_keys and nq of *x (not its
   pointers). Returns 0, or -1 with the message in err. */
int hs_vec_check(const hg_cfg *c, const char *kpath, const char *vpath, const char *qpath, size_t ks,
                 size_t vs, size_t qs, int n_keys, hs_vec *x, char *err, size_t n);

/* Releases what hs_vec_read allocated; x may be zeroed. Can't fail. */
void hs_vec_free(hs_vec *x);

#ifdef __cplusplus
}
#endif
#endif
