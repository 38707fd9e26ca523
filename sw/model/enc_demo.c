/* enc_demo.c — embeds the lines of a text file with the float encoder and prints the
 * cosine similarity of consecutive pairs (lines 1+2, 3+4, ...).
 *
 *   enc_demo [-p PAIRS] [-m MODEL_DIR] FILE
 *
 * The model directory is MODEL_DIR, else $HADGEN_MODEL, else build/model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enc_bert.h"
#include "tok_wordpiece.h"

#define ERRSZ    512
#define MAX_LINE 65536

static void usage(FILE *fp)
{
    fprintf(fp, "usage: enc_demo [-p PAIRS] [-m MODEL_DIR] FILE\n"
                "  Embeds the lines of FILE (UTF-8, one sentence per line) with the float\n"
                "  encoder and prints the cosine similarity of lines 1+2, 3+4, ...\n"
                "  -p PAIRS      number of pairs to print, 1..100000 (default 5)\n"
                "  -m MODEL_DIR  directory with config.json, model.safetensors, vocab.txt\n"
                "                (default: $HADGEN_MODEL, else build/model)\n"
                "  -h            this help\n");
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Embeds one line into emb; returns the token count, or -1 with a message printed. */
static int embed_line(const enc_model *m, const tok_vocab *v, const char *line, float *emb)
{
    char err[ERRSZ];
    int32_t ids[TOK_DEFAULT_MAX_LEN];
    int n = tok_encode(v, line, TOK_DEFAULT_MAX_LEN, ids, err, sizeof err);
    if (n < 0 || enc_embed(m, ids, n, NULL, emb, err, sizeof err) != 0) {
        fprintf(stderr, "enc_demo: %s\n", err);
        return -1;
    }
    return n;
}

/* Reads the next line without its newline; returns 0 at end of file. */
static int next_line(FILE *fp, char *buf, size_t sz)
{
    if (!fgets(buf, (int)sz, fp)) return 0;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 1;
}

static int run(const char *dir, const char *path, long pairs)
{
    char err[ERRSZ], vpath[4200];
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "enc_demo: %s: cannot open: %s\n", path, strerror(errno));
        return 2;
    }
    enc_model *m = enc_load(dir, err, sizeof err);
    snprintf(vpath, sizeof vpath, "%s/vocab.txt", dir);
    tok_vocab *v = m ? tok_load(vpath, err, sizeof err) : NULL;
    if (!m || !v) {
        fprintf(stderr, "enc_demo: %s\n", err);
        tok_free(v);
        enc_free(m);
        fclose(fp);
        return 2;
    }
    int h = enc_config(m)->hidden, rc = 0;
    float *a = malloc(2 * (size_t)h * sizeof *a);
    static char la[MAX_LINE], lb[MAX_LINE];
    double t_ms = 0.0;
    long done = 0, toks = 0;
    while (a && done < pairs && next_line(fp, la, sizeof la) && next_line(fp, lb, sizeof lb)) {
        double t0 = now_ms();
        int na = embed_line(m, v, la, a), nb = na < 0 ? -1 : embed_line(m, v, lb, a + h);
        t_ms += now_ms() - t0;
        if (na < 0 || nb < 0) {
            rc = 1;
            break;
        }
        toks += na + nb;
        printf("%.4f  %s  |  %s\n", enc_cosine(a, a + h, h), la, lb);
        done++;
    }
    if (done > 0)
        printf("%ld pairs, %.1f tokens/sentence, %.2f ms/sentence\n", done, (double)toks / (double)(2 * done),
               t_ms / (double)(2 * done));
    free(a);
    fclose(fp);
    tok_free(v);
    enc_free(m);
    return rc;
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *file = NULL;
    long pairs = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
            char *end;
            pairs = strtol(argv[++i], &end, 10);
            if (*end || pairs < 1 || pairs > 100000) {
                fprintf(stderr, "enc_demo: -p %s: must be an integer 1..100000\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (argv[i][0] == '-' || file) {
            fprintf(stderr, "enc_demo: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        usage(stderr);
        return 2;
    }
    char found[4096], err[ERRSZ];
    if (!dir) {
        if (enc_model_dir(found, sizeof found, err, sizeof err) != 0) {
            fprintf(stderr, "enc_demo: %s\n", err);
            return 2;
        }
        dir = found;
    }
    return run(dir, file, pairs);
}
