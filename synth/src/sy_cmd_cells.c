/* sy_cmd_cells.c — `hgsynth cells`: Verilog cell models from a Liberty file, and the
 * optional equivalence bench against the library's shipped models (run with Icarus). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sy_cells.h"
#include "sy_cmd.h"
#include "sy_io.h"
#include "sy_lib.h"
#include "sy_util.h"

/* Collects the names after `module` in a Verilog file. Returns the count. */
static int module_names(const char *text, char ***names)
{
    int n = 0, cap = 0;
    *names = NULL;
    for (const char *p = text; (p = strstr(p, "module")) != NULL; p += 6) {
        if ((p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) || !isspace((unsigned char)p[6]))
            continue;
        if (p > text && p[-1] == 'd') continue; /* endmodule */
        const char *s = p + 6;
        while (isspace((unsigned char)*s)) s++;
        const char *e = s;
        while (isalnum((unsigned char)*e) || *e == '_') e++;
        if (e == s) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            *names = sy_xrealloc(*names, (size_t)cap * sizeof **names);
        }
        (*names)[n++] = sy_strndup(s, (size_t)(e - s));
    }
    return n;
}

/* Writes the reference models with every `module X` renamed to `module ref_X`. */
static void write_renamed(const char *text, FILE *f)
{
    for (const char *p = text; *p;) {
        const char *m = strstr(p, "module ");
        if (!m) {
            fputs(p, f);
            break;
        }
        int is_kw = (m == text || !(isalnum((unsigned char)m[-1]) || m[-1] == '_'));
        fwrite(p, 1, (size_t)(m - p), f);
        fputs(is_kw ? "module ref_" : "module ", f);
        p = m + 7;
    }
}

int sy_cmd_cells(int argc, char **argv)
{
    const char *lib_path = NULL, *out_path = NULL, *ref = NULL, *check_dir = NULL;
    const sy_opt opts[] = {
        {"--lib", &lib_path, 1, 0, "Liberty file"},
        {"--out", &out_path, 1, 0, "Verilog file to write"},
        {"--check-ref", &ref, 0, 0, "library's own Verilog models to check against"},
        {"--check-dir", &check_dir, 0, 0, "where to write ref_cells.v and cellcheck_tb.v"},
    };
    int rc = sy_parse_opts("cells", "write zero-delay Verilog models of the cells of a Liberty library", argc,
                           argv, opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    if ((ref == NULL) != (check_dir == NULL)) {
        fprintf(stderr, "hgsynth cells: --check-ref and --check-dir go together\n");
        return 2;
    }
    char err[1024];
    if (check_dir && sy_dir_check(check_dir, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth cells: --check-dir: %s\n", err);
        return 2;
    }
    sy_lib *lib = sy_lib_read(lib_path, err, sizeof err);
    if (!lib) {
        fprintf(stderr, "hgsynth cells: %s\n", err);
        return 2;
    }
    char *text = NULL;
    if (ref && !(text = sy_read_file(ref, NULL, err, sizeof err))) {
        fprintf(stderr, "hgsynth cells: reference models: %s\n", err);
        sy_lib_free(lib);
        return 2;
    }
    sy_out o, ro = {0}, to = {0};
    if (sy_out_open(&o, out_path, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth cells: %s\n", err);
        free(text);
        sy_lib_free(lib);
        return 2;
    }
    int n = sy_cells_write(lib, o.f, err, sizeof err);
    rc = n < 0;
    char *rpath = NULL, *tpath = NULL;
    int nt = 0;
    if (!rc && ref) {
        char **names;
        int nn = module_names(text, &names);
        rpath = sy_asprintf("%s/ref_cells.v", check_dir);
        tpath = sy_asprintf("%s/cellcheck_tb.v", check_dir);
        rc = sy_out_open(&ro, rpath, err, sizeof err) != 0 || sy_out_open(&to, tpath, err, sizeof err) != 0;
        if (!rc) {
            write_renamed(text, ro.f);
            nt = sy_cells_write_check_tb(lib, (const char *const *)names, nn, to.f);
        }
        for (int i = 0; i < nn; i++) free(names[i]);
        free(names);
    }
    if (!rc)
        rc = sy_out_commit(&o, err, sizeof err) != 0 ||
             (ref && (sy_out_commit(&ro, err, sizeof err) != 0 || sy_out_commit(&to, err, sizeof err) != 0));
    sy_out_abort(&o);
    sy_out_abort(&ro);
    sy_out_abort(&to);
    if (rc) {
        fprintf(stderr, "hgsynth cells: %s\n", err);
    } else {
        printf("hgsynth cells: %d of %d cells of %s modelled -> %s\n", n, sy_lib_ncells(lib),
               sy_lib_name(lib), out_path);
        if (ref) printf("hgsynth cells: check bench for %d cells -> %s (reference %s)\n", nt, tpath, rpath);
    }
    free(rpath);
    free(tpath);
    free(text);
    sy_lib_free(lib);
    return rc ? 2 : 0;
}
