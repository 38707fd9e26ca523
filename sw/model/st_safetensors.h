/* st_safetensors.h — read-only access to a .safetensors weights file.
 *
 * Format: an 8-byte little-endian header length N, then N bytes of JSON
 *   { "__metadata__": {...},                      (optional, ignored)
 *     "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, ... }
 * then the raw tensor bytes; offsets are relative to the byte after the header, the
 * data is little-endian and row-major.
 *
 * The whole file is validated when it is opened (a regular file; header length, JSON,
 * dtype names, shape vs byte size, offsets inside the file; the tensors' byte ranges cover
 * the data section exactly: no overlap, no gap, nothing after the last tensor), so later
 * lookups cannot read out of bounds and no two tensors share bytes.
 * Tensors are converted to float on request; F32, F16 and BF16 (and F64 and the integer
 * types) are supported.
 *
 * Errors: functions that can fail take (char *err, size_t errsz) and, on failure, write
 * a one-line message there naming the file, the tensor and what is wrong. err may be
 * NULL when the caller does not want the text.
 */
#ifndef ST_SAFETENSORS_H
#define ST_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ST_MAX_DIMS 8 /* most dimensions a tensor may have */

/* Element types of the format that this reader accepts. */
typedef enum { ST_F64, ST_F32, ST_F16, ST_BF16, ST_I64, ST_I32, ST_I16, ST_I8, ST_U8, ST_BOOL } st_dtype;

/* Description of one tensor; the name points into the open file's storage. */
typedef struct {
    const char *name;
    st_dtype dtype;
    int ndim; /* 0 for a scalar */
    int64_t shape[ST_MAX_DIMS];
    size_t numel;  /* product of shape (1 for a scalar) */
    size_t nbytes; /* numel * element size */
} st_info;

typedef struct st_file st_file; /* an open, validated file (opaque) */

/* Opens and validates path. Returns a handle, or NULL with a message in err
 * (missing file, not a regular file, truncated file, bad header length, bad JSON, unknown
 * dtype, shape that does not match the byte range, offsets outside the data, overlapping
 * tensors or bytes that belong to no tensor: the message names the tensors). */
st_file *st_open(const char *path, char *err, size_t errsz);

/* Same as st_open, on a copy of the size bytes at bytes (name stands for the path in
 * messages and st_path). */
st_file *st_open_mem(const void *bytes, size_t size, const char *name, char *err, size_t errsz);

/* Releases f and everything it owns. f may be NULL. Can't fail. */
void st_close(st_file *f);

/* Path the file was opened with. Can't fail. */
const char *st_path(const st_file *f);

/* Number of tensors in f (the __metadata__ entry is not counted). Can't fail. */
int st_count(const st_file *f);

/* Info of tensor i, 0 <= i < st_count(f), in ascending name order. Can't fail. */
const st_info *st_at(const st_file *f, int i);

/* Info of the tensor called name, or NULL if there is none. */
const st_info *st_find(const st_file *f, const char *name);

/* Name of a dtype as written in the format ("F32", ...). Can't fail. */
const char *st_dtype_name(st_dtype t);

/* Size in bytes of one element of type t. Can't fail. */
size_t st_dtype_size(st_dtype t);

/* Converts tensor name to float into dst, which holds n floats. Fails (returns -1 with a
 * message) if the tensor is missing or its element count is not n; returns 0 on
 * success. */
int st_read_f32(const st_file *f, const char *name, float *dst, size_t n, char *err, size_t errsz);

/* Like st_read_f32, but also requires the shape to be exactly shape[0..ndim-1]
 * (the message then gives both shapes). */
int st_read_f32_shape(const st_file *f, const char *name, int ndim, const int64_t *shape, float *dst,
                      char *err, size_t errsz);

/* Raw little-endian bytes of a tensor (info->nbytes of them), valid until st_close.
 * info must come from f. Can't fail. */
const void *st_data(const st_file *f, const st_info *info);

#ifdef __cplusplus
}
#endif
#endif /* ST_SAFETENSORS_H */
