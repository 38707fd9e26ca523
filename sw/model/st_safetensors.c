/* st_safetensors.c — safetensors reader: validation at open, lookup, conversion. */
#include "hg_file.h"
#include "hg_util.h"
#include "st_safetensors.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

/* The format caps the header at 100 MB; a larger length means a corrupt file. */
#define ST_MAX_HEADER ((uint64_t)100 * 1000 * 1000)

typedef struct {
    st_info info;
    size_t begin; /* byte offset of the data, relative to the data section */
} st_entry;

struct st_file {
    char *path;
    unsigned char *base; /* the whole file */
    size_t size;
    int mapped;                /* base came from mmap (else malloc) */
    const unsigned char *data; /* data section: base + 8 + header length */
    size_t data_size;
    st_entry *ent; /* sorted by name */
    int n;
};

static const struct {
    const char *name;
    st_dtype t;
    size_t size;
} dtypes[] = {
    {"F64", ST_F64, 8}, {"F32", ST_F32, 4}, {"F16", ST_F16, 2}, {"BF16", ST_BF16, 2}, {"I64", ST_I64, 8},
    {"I32", ST_I32, 4}, {"I16", ST_I16, 2}, {"I8", ST_I8, 1},   {"U8", ST_U8, 1},     {"BOOL", ST_BOOL, 1},
};
#define N_DTYPES   (sizeof dtypes / sizeof dtypes[0])
#define DTYPE_LIST "F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL"

/* ---------------------------------------------------------------- dtype table */

const char *st_dtype_name(st_dtype t)
{
    for (size_t i = 0; i < N_DTYPES; i++)
        if (dtypes[i].t == t) return dtypes[i].name;
    assert(0 && "st_dtype out of range");
    return "?";
}

size_t st_dtype_size(st_dtype t)
{
    for (size_t i = 0; i < N_DTYPES; i++)
        if (dtypes[i].t == t) return dtypes[i].size;
    assert(0 && "st_dtype out of range");
    return 0;
}

/* Looks a dtype name up; returns 0 and sets *t, or -1 if the name is unknown. */
static int dtype_parse(const char *s, st_dtype *t)
{
    for (size_t i = 0; i < N_DTYPES; i++)
        if (strcmp(dtypes[i].name, s) == 0) {
            *t = dtypes[i].t;
            return 0;
        }
    return -1;
}

/* ---------------------------------------------------------------- file loading */

/* Maps (or, failing that, reads) the whole file, which must be a regular file (a FIFO or
   device is refused before reading). Returns 0, or -1 with a message. */
static int load_bytes(st_file *f, char *err, size_t errsz)
{
    char why[256];
    long long size = 0;
    FILE *fp = hg_file_open(f->path, -1, &size, why, sizeof why);
    if (!fp) {
        hg_errf(err, errsz, "%s: %s", f->path, why);
        return -1;
    }
    int fd = fileno(fp);
    f->size = (size_t)size;
    if (f->size < 8) {
        hg_errf(err, errsz,
                "%s: file is %zu bytes, too short for the 8-byte header length "
                "(truncated or not a safetensors file)",
                f->path, f->size);
        fclose(fp);
        return -1;
    }
    void *p = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) {
        f->base = p;
        f->mapped = 1;
    } else {
        size_t got = 0;
        f->base = malloc(f->size);
        while (f->base && got < f->size) {
            ssize_t r = read(fd, f->base + got, f->size - got);
            if (r <= 0) break;
            got += (size_t)r;
        }
        if (!f->base || got != f->size) {
            hg_errf(err, errsz, "%s: cannot read %zu bytes", f->path, f->size);
            fclose(fp);
            return -1;
        }
    }
    fclose(fp);
    return 0;
}

/* Reads a JSON number that must be an integer in [0, 2^53]. Returns 0 or -1. */
static int json_uint(const cJSON *j, uint64_t *out)
{
    if (!cJSON_IsNumber(j)) return -1;
    double v = j->valuedouble;
    if (!(v >= 0.0) || v > 9007199254740992.0 || floor(v) != v) return -1;
    *out = (uint64_t)v;
    return 0;
}

/* Fills e from the JSON object j (the entry for tensor name). Returns 0 or -1. */
static int parse_entry(st_file *f, const char *name, const cJSON *j, st_entry *e, char *err, size_t errsz)
{
    const char *p = f->path;
    if (!cJSON_IsObject(j)) {
        hg_errf(err, errsz, "%s: tensor '%s': header entry is not a JSON object", p, name);
        return -1;
    }
    const cJSON *jd = cJSON_GetObjectItemCaseSensitive(j, "dtype");
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(j, "shape");
    const cJSON *jo = cJSON_GetObjectItemCaseSensitive(j, "data_offsets");
    if (!cJSON_IsString(jd)) {
        hg_errf(err, errsz, "%s: tensor '%s': missing or non-string \"dtype\"", p, name);
        return -1;
    }
    if (dtype_parse(jd->valuestring, &e->info.dtype) != 0) {
        hg_errf(err, errsz, "%s: tensor '%s': unknown dtype '%s' (supported: " DTYPE_LIST ")", p, name,
                jd->valuestring);
        return -1;
    }
    if (!cJSON_IsArray(js)) {
        hg_errf(err, errsz, "%s: tensor '%s': missing or non-array \"shape\"", p, name);
        return -1;
    }
    int nd = cJSON_GetArraySize(js);
    if (nd > ST_MAX_DIMS) {
        hg_errf(err, errsz, "%s: tensor '%s': shape has %d dimensions (at most %d allowed)", p, name, nd,
                ST_MAX_DIMS);
        return -1;
    }
    e->info.ndim = nd;
    uint64_t numel = 1;
    for (int i = 0; i < nd; i++) {
        uint64_t dim;
        if (json_uint(cJSON_GetArrayItem(js, i), &dim) != 0) {
            hg_errf(err, errsz, "%s: tensor '%s': shape[%d] is not a non-negative integer", p, name, i);
            return -1;
        }
        if (dim != 0 && numel > (UINT64_C(1) << 53) / dim) {
            hg_errf(err, errsz, "%s: tensor '%s': shape is too large", p, name);
            return -1;
        }
        numel *= dim;
        e->info.shape[i] = (int64_t)dim;
    }
    uint64_t b, en;
    if (!cJSON_IsArray(jo) || cJSON_GetArraySize(jo) != 2 || json_uint(cJSON_GetArrayItem(jo, 0), &b) != 0 ||
        json_uint(cJSON_GetArrayItem(jo, 1), &en) != 0) {
        hg_errf(err, errsz,
                "%s: tensor '%s': \"data_offsets\" must be [begin, end] with "
                "non-negative integers",
                p, name);
        return -1;
    }
    if (b > en || en > f->data_size) {
        hg_errf(err, errsz,
                "%s: tensor '%s': data_offsets [%llu, %llu] out of range "
                "(data section is %zu bytes; need begin <= end <= %zu)",
                p, name, (unsigned long long)b, (unsigned long long)en, f->data_size, f->data_size);
        return -1;
    }
    size_t esz = st_dtype_size(e->info.dtype);
    if (numel * esz != en - b) {
        hg_errf(err, errsz,
                "%s: tensor '%s': shape gives %llu elements x %zu bytes = %llu "
                "bytes, but data_offsets span %llu bytes",
                p, name, (unsigned long long)numel, esz, (unsigned long long)(numel * esz),
                (unsigned long long)(en - b));
        return -1;
    }
    e->info.numel = (size_t)numel;
    e->info.nbytes = (size_t)(en - b);
    e->begin = (size_t)b;
    return 0;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const st_entry *)a)->info.name, ((const st_entry *)b)->info.name);
}

/* Orders entries by where their data lies: begin, then end. */
static int place_cmp(const void *a, const void *b)
{
    const st_entry *x = *(const st_entry *const *)a, *y = *(const st_entry *const *)b;
    size_t xe = x->begin + x->info.nbytes, ye = y->begin + y->info.nbytes;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    return (xe > ye) - (xe < ye);
}

/* Checks that the tensors' byte ranges cover the data section exactly: the first begins
 * at 0, each begins where the previous one ends (no overlap, no gap), the last ends at the
 * end of the file. Returns 0, or -1 with a message naming the tensors. */
static int check_coverage(st_file *f, char *err, size_t errsz)
{
    const st_entry **ord = malloc((size_t)(f->n > 0 ? f->n : 1) * sizeof *ord);
    if (!ord) {
        hg_errf(err, errsz, "%s: out of memory", f->path);
        return -1;
    }
    for (int i = 0; i < f->n; i++) ord[i] = &f->ent[i];
    qsort(ord, (size_t)f->n, sizeof *ord, place_cmp);
    size_t at = 0;
    const st_entry *prev = NULL;
    int rc = 0;
    for (int i = 0; rc == 0 && i < f->n; i++) {
        const st_entry *e = ord[i];
        size_t end = e->begin + e->info.nbytes;
        if (e->begin < at) {
            hg_errf(err, errsz,
                    "%s: tensors '%s' (data_offsets [%zu, %zu]) and '%s' "
                    "(data_offsets [%zu, %zu]) overlap; every byte of the data section must "
                    "belong to exactly one tensor",
                    f->path, prev->info.name, prev->begin, at, e->info.name, e->begin, end);
            rc = -1;
        } else if (e->begin > at) {
            if (prev)
                hg_errf(err, errsz,
                        "%s: bytes %zu..%zu of the data section, between tensors "
                        "'%s' (ends at %zu) and '%s' (begins at %zu), belong to no tensor; the "
                        "data section must be exactly covered",
                        f->path, at, e->begin - 1, prev->info.name, at, e->info.name, e->begin);
            else
                hg_errf(err, errsz,
                        "%s: bytes 0..%zu of the data section, before the first "
                        "tensor '%s' (begins at %zu), belong to no tensor; the data section "
                        "must be exactly covered",
                        f->path, e->begin - 1, e->info.name, e->begin);
            rc = -1;
        }
        prev = e;
        at = end;
    }
    if (rc == 0 && at != f->data_size) {
        hg_errf(err, errsz,
                "%s: the data section is %zu bytes but its tensors end at byte %zu"
                "%s%s%s: %zu trailing bytes belong to no tensor",
                f->path, f->data_size, at, prev ? " (tensor '" : "", prev ? prev->info.name : "",
                prev ? "')" : "", f->data_size - at);
        rc = -1;
    }
    free(ord);
    return rc;
}

/* Parses the JSON header and fills f->ent. Returns 0 or -1 with a message. */
static int parse_header(st_file *f, const char *txt, size_t len, char *err, size_t errsz)
{
    cJSON *root = cJSON_ParseWithLength(txt, len);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        long off = (at && at >= txt && at <= txt + len) ? (long)(at - txt) : -1;
        hg_errf(err, errsz,
                "%s: header is not valid JSON (error near byte %ld of the "
                "%zu-byte header)",
                f->path, off, len);
        return -1;
    }
    int rc = -1;
    if (!cJSON_IsObject(root)) {
        hg_errf(err, errsz, "%s: header JSON is not an object", f->path);
        goto out;
    }
    int n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, root) if (strcmp(it->string, "__metadata__") != 0) n++;
    f->ent = calloc((size_t)(n > 0 ? n : 1), sizeof *f->ent);
    if (!f->ent) {
        hg_errf(err, errsz, "%s: out of memory for %d tensor entries", f->path, n);
        goto out;
    }
    cJSON_ArrayForEach(it, root)
    {
        if (strcmp(it->string, "__metadata__") == 0) continue;
        st_entry *e = &f->ent[f->n];
        char *name = strdup(it->string);
        if (!name) {
            hg_errf(err, errsz, "%s: out of memory", f->path);
            goto out;
        }
        e->info.name = name;
        f->n++;
        if (parse_entry(f, name, it, e, err, errsz) != 0) goto out;
    }
    qsort(f->ent, (size_t)f->n, sizeof *f->ent, entry_cmp);
    for (int i = 1; i < f->n; i++)
        if (strcmp(f->ent[i - 1].info.name, f->ent[i].info.name) == 0) {
            hg_errf(err, errsz, "%s: tensor '%s' appears twice in the header", f->path, f->ent[i].info.name);
            goto out;
        }
    rc = check_coverage(f, err, errsz);
out:
    cJSON_Delete(root);
    return rc;
}

/* A new handle named path (no bytes yet), or NULL with a message. */
static st_file *new_file(const char *path, char *err, size_t errsz)
{
    st_file *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        hg_errf(err, errsz, "%s: out of memory", path);
        free(f);
        return NULL;
    }
    return f;
}

/* Validates the bytes of f (header length, header, coverage of the data section).
   Returns f, or NULL with a message after releasing f. */
static st_file *validate(st_file *f, char *err, size_t errsz)
{
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = (hlen << 8) | f->base[i];
    if (hlen == 0 || hlen > f->size - 8 || hlen > ST_MAX_HEADER) {
        hg_errf(err, errsz,
                "%s: bad header length %llu (file is %zu bytes, so the header "
                "must be 1..%zu bytes and at most %llu)",
                f->path, (unsigned long long)hlen, f->size, f->size - 8, (unsigned long long)ST_MAX_HEADER);
        goto fail;
    }
    f->data = f->base + 8 + hlen;
    f->data_size = f->size - 8 - (size_t)hlen;
    if (parse_header(f, (const char *)f->base + 8, (size_t)hlen, err, errsz) != 0) goto fail;
    return f;
fail:
    st_close(f);
    return NULL;
}

st_file *st_open(const char *path, char *err, size_t errsz)
{
    st_file *f = new_file(path, err, errsz);
    if (!f) return NULL;
    if (load_bytes(f, err, errsz) != 0) {
        st_close(f);
        return NULL;
    }
    return validate(f, err, errsz);
}

st_file *st_open_mem(const void *bytes, size_t size, const char *name, char *err, size_t errsz)
{
    st_file *f = new_file(name, err, errsz);
    if (!f) return NULL;
    if (size < 8) {
        hg_errf(err, errsz,
                "%s: file is %zu bytes, too short for the 8-byte header length "
                "(truncated or not a safetensors file)",
                name, size);
        st_close(f);
        return NULL;
    }
    if (!(f->base = malloc(size))) {
        hg_errf(err, errsz, "%s: out of memory for %zu bytes", name, size);
        st_close(f);
        return NULL;
    }
    memcpy(f->base, bytes, size);
    f->size = size;
    return validate(f, err, errsz);
}

void st_close(st_file *f)
{
    if (!f) return;
    for (int i = 0; i < f->n; i++) free((void *)(uintptr_t)f->ent[i].info.name);
    free(f->ent);
    if (f->mapped)
        munmap(f->base, f->size);
    else
        free(f->base);
    free(f->path);
    free(f);
}

/* ---------------------------------------------------------------- lookup */

const char *st_path(const st_file *f) { return f->path; }

int st_count(const st_file *f) { return f->n; }

const st_info *st_at(const st_file *f, int i)
{
    assert(i >= 0 && i < f->n);
    return &f->ent[i].info;
}

const st_info *st_find(const st_file *f, const char *name)
{
    int lo = 0, hi = f->n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        int c = strcmp(name, f->ent[mid].info.name);
        if (c == 0) return &f->ent[mid].info;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return NULL;
}

const void *st_data(const st_file *f, const st_info *info)
{
    const st_entry *e = (const st_entry *)(const void *)info;
    assert(e >= f->ent && e < f->ent + f->n);
    return f->data + e->begin;
}

/* ---------------------------------------------------------------- conversion */

/* IEEE 754 half -> float, including subnormals, infinities and NaN. */
static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31;
    uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ffu, bits;
    if (exp == 0) {
        float v = ldexpf((float)man, -24);
        return sign ? -v : v;
    }
    if (exp == 31)
        bits = sign | 0x7f800000u | (man << 13);
    else
        bits = sign | ((exp + 112) << 23) | (man << 13);
    float out;
    memcpy(&out, &bits, 4);
    return out;
}

/* Converts n elements of type t at src (little-endian, any alignment) to float. */
static void convert(st_dtype t, const unsigned char *src, size_t n, float *dst)
{
    for (size_t i = 0; i < n; i++) {
        const unsigned char *s = src + i * st_dtype_size(t);
        switch (t) {
        case ST_F32: memcpy(&dst[i], s, 4); break;
        case ST_F64: {
            double v;
            memcpy(&v, s, 8);
            dst[i] = (float)v;
            break;
        }
        case ST_F16: {
            uint16_t v;
            memcpy(&v, s, 2);
            dst[i] = half_to_float(v);
            break;
        }
        case ST_BF16: {
            uint16_t v;
            memcpy(&v, s, 2);
            uint32_t bits = (uint32_t)v << 16;
            memcpy(&dst[i], &bits, 4);
            break;
        }
        case ST_I64: {
            int64_t v;
            memcpy(&v, s, 8);
            dst[i] = (float)v;
            break;
        }
        case ST_I32: {
            int32_t v;
            memcpy(&v, s, 4);
            dst[i] = (float)v;
            break;
        }
        case ST_I16: {
            int16_t v;
            memcpy(&v, s, 2);
            dst[i] = (float)v;
            break;
        }
        case ST_I8: dst[i] = (float)(int8_t)s[0]; break;
        case ST_U8:
        case ST_BOOL: dst[i] = (float)s[0]; break;
        }
    }
}

int st_read_f32(const st_file *f, const char *name, float *dst, size_t n, char *err, size_t errsz)
{
    const st_info *in = st_find(f, name);
    if (!in) {
        hg_errf(err, errsz, "%s: tensor '%s' not found", f->path, name);
        return -1;
    }
    if (in->numel != n) {
        hg_errf(err, errsz, "%s: tensor '%s' has %zu elements, expected %zu", f->path, name, in->numel, n);
        return -1;
    }
    convert(in->dtype, st_data(f, in), n, dst);
    return 0;
}

/* Writes "[a, b, ...]" into buf. */
static void shape_str(char *buf, size_t sz, int nd, const int64_t *s)
{
    size_t k = 0;
    buf[0] = '\0';
    k += (size_t)snprintf(buf + k, sz - k, "[");
    for (int i = 0; i < nd && k < sz; i++)
        k += (size_t)snprintf(buf + k, sz - k, "%s%lld", i ? ", " : "", (long long)s[i]);
    if (k < sz) snprintf(buf + k, sz - k, "]");
}

int st_read_f32_shape(const st_file *f, const char *name, int ndim, const int64_t *shape, float *dst,
                      char *err, size_t errsz)
{
    const st_info *in = st_find(f, name);
    if (!in) {
        hg_errf(err, errsz, "%s: tensor '%s' not found", f->path, name);
        return -1;
    }
    int same = in->ndim == ndim;
    for (int i = 0; same && i < ndim; i++) same = in->shape[i] == shape[i];
    if (!same) {
        char want[160], got[160];
        shape_str(want, sizeof want, ndim, shape);
        shape_str(got, sizeof got, in->ndim, in->shape);
        hg_errf(err, errsz, "%s: tensor '%s' has shape %s, expected %s", f->path, name, got, want);
        return -1;
    }
    convert(in->dtype, st_data(f, in), in->numel, dst);
    return 0;
}
