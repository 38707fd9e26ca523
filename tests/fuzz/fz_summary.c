/*
 * fz_summary.c — the readers of the flow's summary.json and of hadrun's fidelity files, shared
 * by the report tools (synth/report/rp_util): the figures and blocks hgreport reads from each
 * core's summary (every field required), the design point of a summary for hgsweep, the
 * header of a hadrun --json file for hgreport and hgsweep.
 *
 * The input is split at NUL bytes into two summary.json files (runs a and b) and a hadrun
 * --json file.
 */
#include "fz_util.h"

#include "rp_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* hgreport's reading of a point's summaries: figures (all finite or refused), the union of
   their blocks (finite area and power, at most RP_MAX_BLOCKS), each block's value. */
static void point_figures(const char *a, const char *b)
{
    const char *names[RP_MAX_BLOCKS];
    int count = 0;
    char err[256];
    for (int k = 0; k < 2; k++) {
        cJSON *s = cJSON_Parse(k ? b : a);
        rp_figs_t f;
        if (s && rp_figs(s, &f, err, sizeof err) == 0 &&
            !(isfinite(f.area) && isfinite(f.power) && isfinite(f.e_query) && isfinite(f.fmax)))
            fz_fail("summary", "rp_figs accepted a figure that is not finite");
        if (s && rp_blocks(s, names, &count, RP_MAX_BLOCKS, err, sizeof err) == 0)
            for (int i = 0; i < count; i++)
                if (!isfinite(rp_block(s, names[i], "area_um2")) ||
                    !isfinite(rp_block(s, names[i], "power_uw")))
                    fz_fail("summary", "rp_block gave a value that is not finite");
        if (count < 0 || count > RP_MAX_BLOCKS)
            fz_fail("summary", "rp_blocks counted outside 0..RP_MAX_BLOCKS");
        cJSON_Delete(s);
        count = 0; /* the names point into s */
    }
}

/* The report tools' readers: a summary's design point, a fidelity file's header and rows. */
static void report_tools(const char *summary, const char *fidelity)
{
    char err[512];
    cJSON *s = cJSON_Parse(summary);
    rp_point_t p;
    if (s && rp_summary_point(s, &p, err, sizeof err) == 0 &&
        (p.core < 0 || p.core >= RP_NCORES || p.d < 1 || p.l < 1 || !(p.f.area > 0) || isinf(p.f.fmax)))
        fz_fail("summary", "rp_summary_point accepted a point out of range");
    cJSON_Delete(s);
    cJSON *j = cJSON_Parse(fidelity);
    rp_run_head_t h;
    for (int need_d = 0; j && need_d < 2; need_d++)
        if (rp_run_head(j, need_d, &h, err, sizeof err) == 0) {
            if (h.n < 1 || h.tokens < 1 || (need_d && h.d < 1))
                fz_fail("summary", "rp_run_head accepted a header out of range");
            const cJSON *b;
            cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(j, "backends"))
            {
                const char *name = rp_str(b, "backend");
                (void)rp_core_index(strncmp(name, "golden-", 7) == 0 ? name + 7 : name);
                (void)rp_num(b, "cos_mean");
                (void)rp_num(b, "nn_agree");
            }
        }
    cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off[3], len[3];
    int n = fz_split(data, size, 0, 3, off, len);
    char *summary = fz_strndup(data + off[0], len[0]);
    char *second = fz_strndup(n > 1 ? data + off[1] : data, n > 1 ? len[1] : 0);
    point_figures(summary, second);
    free(second);
    char *fidelity = fz_strndup(n > 2 ? data + off[2] : data, n > 2 ? len[2] : 0);
    report_tools(summary, fidelity);
    free(summary);
    free(fidelity);
    return 0;
}
