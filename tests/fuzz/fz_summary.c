/*
 * fz_summary.c — the readers of the flow's summary.json and of hadrun's fidelity files:
 * `hgsynth report` (synth/src/sy_cmd_report.c: every field it reads, then the comparison it
 * writes) and the report tools' shared readers (synth/report/rp_util: the design point of a
 * summary for hgsweep, the header of a hadrun --json file for hgreport and hgsweep).
 *
 * check_summary is internal to the command, so this file includes its source. The input is
 * split at NUL bytes into two summary.json files (runs a and b) and a hadrun --json file.
 * `hgsynth report --out OUT a [b]` runs on the summaries as the command does; the report
 * tools' readers run on the first summary and the fidelity file.
 */
#include "fz_util.h"

#include "../../synth/src/sy_cmd_report.c"

#include "rp_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void setup(void)
{
    static int done;
    if (done)
        return;
    fz_subdir("a/reports");
    fz_subdir("b/reports");
    fz_subdir("out");
    done = 1;
}

/* hgsynth report on run a (and b when the input has it). */
static void synth_report(const uint8_t *data, const size_t *off, const size_t *len, int n)
{
    fz_scratch("a/reports/summary.json", data + off[0], len[0]);
    fz_scratch("b/reports/summary.json", n > 1 ? data + off[1] : data, n > 1 ? len[1] : 0);
    char *argv[6] = {sy_strdup("report"), sy_strdup("--out"), sy_asprintf("%s/out", fz_dir()),
                     sy_asprintf("%s/a", fz_dir()), sy_asprintf("%s/b", fz_dir()), NULL};
    int rc = sy_cmd_report(n > 1 ? 5 : 4, argv);
    if (rc != 0 && rc != 2)
        fz_fail("summary", "hgsynth report exits with a code other than 0 or 2");
    for (int i = 0; i < 5; i++)
        free(argv[i]);
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
    setup();
    size_t off[3], len[3];
    int n = fz_split(data, size, 0, 3, off, len);
    synth_report(data, off, len, n);
    char *summary = fz_strndup(data + off[0], len[0]);
    char *fidelity = fz_strndup(n > 2 ? data + off[2] : data, n > 2 ? len[2] : 0);
    report_tools(summary, fidelity);
    free(summary);
    free(fidelity);
    return 0;
}
