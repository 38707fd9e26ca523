/*
 * fz_safetensors.c — the safetensors reader (sw/model/st_safetensors): header length, JSON
 * header, tensor table, data section.
 *
 * The input is a whole file, opened with st_open_mem (st_open's checks on a copy in
 * memory). A file that opens must keep the reader's promises: every tensor is found by its
 * name, its bytes lie in the data section, the tensors cover that section exactly, and every
 * tensor converts to float.
 */
#include "fz_util.h"
#include "st_safetensors.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024];
    st_file *f = st_open_mem(data, size, "fuzz.safetensors", err, sizeof err);
    if (!f) return 0;
    size_t covered = 0;
    for (int i = 0; i < st_count(f); i++) {
        const st_info *in = st_at(f, i);
        if (st_find(f, in->name) != in) fz_fail("safetensors", "a tensor is not found by its name");
        if (in->nbytes != in->numel * st_dtype_size(in->dtype) || !st_dtype_name(in->dtype)[0])
            fz_fail("safetensors", "a tensor's byte count is not its element count x element size");
        const uint8_t *p = st_data(f, in);
        (void)p;
        covered += in->nbytes;
        float *x = malloc(in->numel ? in->numel * sizeof *x : 1);
        if (!x) abort();
        if (st_read_f32(f, in->name, x, in->numel, err, sizeof err) != 0 ||
            st_read_f32_shape(f, in->name, in->ndim, in->shape, x, err, sizeof err) != 0)
            fz_fail("safetensors", "a tensor of an open file does not convert to float");
        free(x);
    }
    if (covered + 8 > size) fz_fail("safetensors", "the tensors hold more bytes than the file");
    st_close(f);
    return 0;
}
