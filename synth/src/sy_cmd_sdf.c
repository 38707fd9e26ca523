/* sy_cmd_sdf.c — `hgsynth sdf-fix`: OpenSTA's SDF made readable for Icarus.
 *
 * OpenSTA writes every delay triple with an empty typical value, "(0.1031::0.1045)"
 * (min::max). Icarus annotates the typical value and, finding none, annotates nothing and
 * says nothing. Every triple min:typ:max (parenthesised or bare, as in VOLTAGE 1.8::1.8) is
 * completed here: an empty typ takes min (else max), then an empty min or max takes typ:
 *   (a::b) -> (a:a:b)    (::b) -> (b:b:b)    (a::) -> (a:a:a)    (:b:) -> (b:b:b)
 * Complete triples, single values, empty "()" and all-empty "(::)" are left as they are,
 * and so is everything inside double quotes (PROCESS "1.000::1.000" is a name, not a delay).
 * With --top NAME the design's name (DESIGN, and the CELLTYPE of its top cell) becomes NAME:
 * the SDF of module M is annotated onto hggl_top (`hgsynth glgen --timed`), whose cells
 * carry M's instance names, and Icarus warns when the top's type differs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sy_cmd.h"
#include "sy_io.h"
#include "sy_util.h"

/* A character of a number in a triple. */
static int num_char(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
}

/* Writes the token s[0..n) (no spaces or parentheses) to f, completed when it is a triple
 * with an empty part; returns 1 when it was rewritten. */
static int put_token(FILE *f, const char *s, size_t n)
{
    size_t c1 = n, c2 = n;
    int colons = 0, numeric = 1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == ':') {
            if (colons == 0) c1 = i;
            if (colons == 1) c2 = i;
            colons++;
        } else if (!num_char(s[i])) {
            numeric = 0;
        }
    }
    if (colons != 2 || !numeric || (c1 > 0 && c2 - c1 > 1 && n - c2 > 1) || (c1 == 0 && c2 == 1 && n == 2)) {
        fwrite(s, 1, n, f);
        return 0;
    }
    const char *p[3] = {s, s + c1 + 1, s + c2 + 1};
    size_t l[3] = {c1, c2 - c1 - 1, n - c2 - 1};
    if (!l[1]) {
        int from = l[0] ? 0 : 2;
        p[1] = p[from];
        l[1] = l[from];
    }
    for (int k = 0; k < 3; k += 2)
        if (!l[k]) {
            p[k] = p[1];
            l[k] = l[1];
        }
    fprintf(f, "%.*s:%.*s:%.*s", (int)l[0], p[0], (int)l[1], p[1], (int)l[2], p[2]);
    return 1;
}

/* Copies the SDF text to f with every incomplete triple completed; returns how many were. */
static long sdf_fix(const char *text, size_t size, const char *top, FILE *f)
{
    long fixed = 0;
    size_t i = 0, last = 0, lastn = 0, dn = 0;
    const char *design = NULL; /* the quoted name after DESIGN */
    while (i < size) {
        char c = text[i];
        if (c == '"') { /* a quoted string, copied whole (backslash escapes included) */
            size_t j = i + 1;
            while (j < size && text[j] != '"') j += text[j] == '\\' && j + 1 < size ? 2 : 1;
            j = j < size ? j + 1 : size;
            if (top && !design && lastn == 6 && strncmp(text + last, "DESIGN", 6) == 0) {
                design = text + i;
                dn = j - i;
            }
            if (top && design && j - i == dn && memcmp(text + i, design, dn) == 0)
                fprintf(f, "\"%s\"", top);
            else
                fwrite(text + i, 1, j - i, f);
            lastn = 0;
            i = j;
        } else if (c == '(' || c == ')' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            fputc(c, f);
            i++;
        } else {
            size_t j = i;
            while (j < size && !strchr("() \t\n\r\"", text[j])) j++;
            fixed += put_token(f, text + i, j - i);
            last = i;
            lastn = j - i;
            i = j;
        }
    }
    return fixed;
}

int sy_cmd_sdf_fix(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *top = NULL;
    const sy_opt opts[] = {
        {"--in", &in, 1, 0, "SDF file written by OpenSTA (write_sdf)"},
        {"--out", &out, 1, 0, "SDF file with complete min:typ:max triples"},
        {"--top", &top, 0, 0, "rename the design (DESIGN and its top CELLTYPE) to this module name"},
    };
    int rc = sy_parse_opts("sdf-fix", "complete OpenSTA's (min::max) delay triples for Icarus", argc, argv,
                           opts, (int)(sizeof opts / sizeof opts[0]));
    if (rc) return rc == 1 ? 0 : 2;
    char err[1024] = "";
    size_t size = 0;
    char *text = sy_read_file(in, &size, err, sizeof err);
    if (!text) {
        fprintf(stderr, "hgsynth sdf-fix: --in %s\n", err);
        return 2;
    }
    if (size < 10 || strncmp(text, "(DELAYFILE", 10) != 0) {
        fprintf(stderr, "hgsynth sdf-fix: --in '%s': not an SDF file (it does not start with (DELAYFILE)\n",
                in);
        free(text);
        return 2;
    }
    sy_out o = {0};
    if (sy_out_open(&o, out, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth sdf-fix: --out %s\n", err);
        free(text);
        return 2;
    }
    if (top &&
        strspn(top, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$") != strlen(top)) {
        fprintf(stderr, "hgsynth sdf-fix: --top '%s': must be a module name (letters, digits, _ $)\n", top);
        sy_out_abort(&o);
        free(text);
        return 2;
    }
    long fixed = sdf_fix(text, size, top, o.f);
    free(text);
    if (sy_out_commit(&o, err, sizeof err) != 0) {
        fprintf(stderr, "hgsynth sdf-fix: %s\n", err);
        return 1;
    }
    printf("hgsynth sdf-fix: %ld triples completed -> %s\n", fixed, out);
    return 0;
}
