/*
 * hadgen — generates synthesizable Verilog for a HAD attention core, the int8 baseline,
 * or the int8 + top-N core, with a JSON manifest of the configuration.
 *
 * Exit codes: 0 success, 1 output could not be written, 2 bad command line or an output
 * directory hadgen may not write into (files it did not write would be replaced).
 */
#include "hg_config.h"
#include "hg_emit.h"
#include "hg_file.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HADGEN_VERSION "1.0"

static void usage(FILE *f)
{
    char cores[64];
    fprintf(f,
            "usage: hadgen [options] --out DIR\n"
            "\n"
            "Generates the Verilog of one attention core (one module per file), filelist.f and\n"
            "manifest.json in DIR. See docs/spec.md for the numerics and docs/usage.md for examples.\n"
            "\n"
            "  --core TYPE          %-49s(default had)\n"
            "  --d N                head dimension, a multiple of 8 in 8..256        (default 64)\n"
            "  --lanes P            keys scored per cycle, 1..64 and <= max-keys     (default 16)\n"
            "  --top-n N            keys kept per query, 1..max-keys (top-N cores)   (default 32)\n"
            "  --max-keys L         keys per head held in the core, 1..16384         (default 1024)\n"
            "  --weight-bits B      softmax weight fraction bits, 8..20              (default 8)\n"
            "  --exp-frac-bits F    int8 cores: exp fraction-table index bits, 2..8  (default 6)\n"
            "  --out-frac F         output fraction bits, 0..12                      (default 8)\n"
            "  --v-bits B           value bits: V elements are B-bit signed, 2..8    (default 8)\n"
            "  --load-width W       keys per K/V load beat, a power of two dividing  (default 1)\n"
            "                       --lanes\n"
            "  --selector S         top-N selector (top-N cores): merge, bitonic,    (default merge)\n"
            "                       counting (HAD only: a count pass and a pick pass)\n"
            "                       or twostage (bitonic as a local sort and a global\n"
            "                       merge stage)\n"
            "  --sort-cut C         twostage: a second register cuts the sort: auto  (default auto)\n"
            "                       (where it is as deep as the merge stage or deeper),\n"
            "                       on or off\n"
            "  --etab-shadow S      HAD: on: a shadow exp table, written while the   (default off)\n"
            "                       core runs the previous head, copied in at idle\n"
            "  --av-fan F           AV dimensions behind each fan-out buffer stage,  (default auto)\n"
            "                       1..d; off (none) or auto (64 where d > 64)\n"
            "  --prefix NAME        module name prefix, [a-z_][a-z0-9_]*, <= 24 chars\n"
            "                       (default: had, base or i8topn by core type)\n"
            "  --config FILE        take the whole configuration from a manifest.json hadgen wrote\n"
            "                       (regenerates that core; not combined with the options above)\n"
            "  --out DIR            output directory (created if missing)\n"
            "  --force              write into DIR even if it holds files hadgen did not write\n"
            "  --dry-run            validate, print the derived configuration as JSON, write nothing\n"
            "  --list-cores         print the core types, one per line, and exit\n"
            "  --help               this text\n"
            "  --version            print the version\n"
            "\n"
            "Beside the Verilog, DIR gets hadgen.core, a FuseSoC (CAPI2) description of the core.\n"
            "\n"
            "Throughput: one query per max(ceil(L/P), CR+CM) cycles at n_k = L (CR+CM: normalizer\n"
            "cycles, printed as ii_cycles); the AV unit is sized so it never limits it.\n",
            hg_core_choices(cores, sizeof cores, " | ", " | "));
    fprintf(f, "\nCore types (--core; hadgen --list-cores prints the names):\n");
    for (int k = 0; k < HG_NCORES; k++)
        fprintf(f, "  %-20s %s\n", hg_core_name((hg_core_kind)k), hg_core_summary((hg_core_kind)k));
}

/* The command line as recorded in file headers: "hadgen" and the arguments, quoted
   where they hold anything but [A-Za-z0-9_./=+-]. */
static char *join_cmdline(int argc, char **argv)
{
    size_t cap = 64;
    for (int i = 1; i < argc; i++) cap += strlen(argv[i]) * 4 + 3;
    char *s = malloc(cap);
    if (!s) return NULL;
    strcpy(s, "hadgen");
    for (int i = 1; i < argc; i++) {
        int plain = argv[i][0] != '\0';
        for (const char *p = argv[i]; *p; p++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=+-:", *p))
                plain = 0;
        strcat(s, " ");
        if (plain) {
            strcat(s, argv[i]);
            continue;
        }
        strcat(s, "'");
        for (const char *p = argv[i]; *p; p++) {
            if (*p == '\'')
                strcat(s, "'\\''");
            else
                strncat(s, p, 1);
        }
        strcat(s, "'");
    }
    return s;
}

/* 1 if dir/manifest.json exists and was written by hadgen. */
static int has_our_manifest(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    return hg_emit_owned(path);
}

/* The files an earlier run listed in dir/filelist.f: at most HG_OLD_MAX names of hadgen's
   module files (hg_emit_generated_name); others are ignored. Returns the count. */
#define HG_OLD_MAX 64
typedef char old_name[80];

/* Appends to names[0..n) the probes file <p>_probes.v of every top <p>_core.v listed: an
   older hadgen wrote the simulation probes beside the core (never in filelist.f); sim/ writes
   them now, so they are stale. Returns the new count. */
static int with_probes(old_name *names, int n)
{
    for (int i = 0, n0 = n; i < n0 && n < HG_OLD_MAX; i++) {
        size_t len = strlen(names[i]), k = strlen("_core.v");
        if (len > k && len - k < sizeof names[0] && strcmp(names[i] + len - k, "_core.v") == 0) {
            char prefix[sizeof names[0]];
            snprintf(prefix, sizeof prefix, "%.*s", (int)(len - k), names[i]);
            snprintf(names[n++], sizeof names[0], "%.60s_probes.v", prefix);
        }
    }
    return n;
}

static int previous_files(const char *dir, old_name *names)
{
    char path[PATH_MAX], line[512];
    snprintf(path, sizeof path, "%s/filelist.f", dir);
    if (!hg_emit_owned(path)) return 0;
    FILE *f = hg_file_open(path, 1L << 20, NULL, NULL, 0);
    int n = 0;
    while (f && n < HG_OLD_MAX && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (strlen(line) < sizeof names[0] && hg_emit_generated_name(line))
            memcpy(names[n++], line, strlen(line) + 1); /* shorter than a name, checked above */
    }
    if (f) fclose(f);
    return with_probes(names, n);
}

/* Removes the files of an earlier run (names from previous_files) that this run did not
   write again (they may belong to another core type), so dir holds exactly one
   configuration. Only files hadgen wrote are removed (hg_emit_owned); anything else a user
   put there, even under a listed name, stays. */
static void remove_stale(const char *dir, old_name *names, int n)
{
    char listed[PATH_MAX], path[PATH_MAX + 96];
    snprintf(listed, sizeof listed, "%s/filelist.f", dir);
    FILE *f = hg_file_open(listed, 1L << 20, NULL, NULL, 0);
    old_name now[HG_OLD_MAX];
    int m = 0;
    while (f && m < HG_OLD_MAX && fgets(now[m], sizeof now[m], f)) {
        now[m][strcspn(now[m], "\r\n")] = 0;
        m++;
    }
    if (f) fclose(f);
    for (int i = 0; i < n; i++) {
        int kept = 0;
        for (int j = 0; j < m; j++) kept |= strcmp(names[i], now[j]) == 0;
        snprintf(path, sizeof path, "%.4000s/%.79s", dir, names[i]);
        if (!kept && hg_emit_owned(path)) unlink(path);
    }
}

/* Prepares the output directory; exits 1 (cannot create) or 2 (would overwrite files
   that are not ours, without --force). Returns 1 if it created the directory. */
static int prepare_dir(const char *dir, int force)
{
    struct stat st;
    if (!dir[0]) {
        fprintf(stderr, "hadgen: --out '': must name a directory\n");
        exit(2);
    }
    if (stat(dir, &st) != 0) {
        char tmp[PATH_MAX];
        snprintf(tmp, sizeof tmp, "%s", dir);
        for (char *p = tmp + 1; *p; p++) {
            if (*p != '/') continue;
            *p = 0;
            mkdir(tmp, 0777);
            *p = '/';
        }
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "hadgen: cannot create --out '%s': %s\n", dir, strerror(errno));
            exit(1);
        }
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "hadgen: --out '%s': exists and is not a directory\n", dir);
        exit(2);
    }
    int entries = hg_dir_entries(dir) > 0;
    if (entries && !has_our_manifest(dir) && !force) {
        fprintf(stderr,
                "hadgen: --out '%s': directory is not empty and was not written by"
                " hadgen; refusing to overwrite (use --force)\n",
                dir);
        exit(2);
    }
    return 0;
}

/* Sets *c from the manifest.json at path (hg_cfg_from_manifest): 0, or -1 after a message
   naming the file (the caller exits 2). */
static int load_config(hg_cfg *c, const char *path)
{
    char why[512];
    size_t len = 0;
    char *text = hg_file_read(path, 16L << 20, &len, why, sizeof why);
    int rc = text ? hg_cfg_from_manifest(c, text, len, why, sizeof why) : -1;
    free(text);
    if (rc != 0) fprintf(stderr, "hadgen: --config '%s': %s\n", path, why);
    return rc;
}

/* Long options: the configuration options of hg_cfg_options (value HG_OPT_CFG), then
   hadgen's own. */
enum { HG_OPT_CFG = 1, O_CONFIG, O_OUT, O_FORCE, O_DRY, O_HELP, O_VERSION, O_LIST_CORES };

static void build_options(struct option *opts)
{
    int n = 0;
    for (int i = 0; hg_cfg_options[i]; i++)
        opts[n++] = (struct option){hg_cfg_options[i], required_argument, 0, HG_OPT_CFG};
    opts[n++] = (struct option){"config", required_argument, 0, O_CONFIG};
    opts[n++] = (struct option){"out", required_argument, 0, O_OUT};
    opts[n++] = (struct option){"force", no_argument, 0, O_FORCE};
    opts[n++] = (struct option){"dry-run", no_argument, 0, O_DRY};
    opts[n++] = (struct option){"help", no_argument, 0, O_HELP};
    opts[n++] = (struct option){"version", no_argument, 0, O_VERSION};
    opts[n++] = (struct option){"list-cores", no_argument, 0, O_LIST_CORES};
    opts[n] = (struct option){0, 0, 0, 0};
}

/* The command line is recorded in comment headers, where a control character (a newline in
   a path) would end the comment: 0 when no argument holds one, else 2 with a message. */
static int refuse_control_chars(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        for (const unsigned char *p = (const unsigned char *)argv[i]; *p; p++)
            if (*p < 0x20 || *p == 0x7f) {
                fprintf(stderr,
                        "hadgen: argument %d holds a control character (byte 0x%02x);"
                        " not allowed in options, values or paths\n",
                        i, *p);
                return 2;
            }
    return 0;
}

/* --dry-run: the configuration's derived values as one JSON line. */
static void print_derived(const hg_cfg *c)
{
    printf("{\"core\": \"%s\", \"d\": %d, \"lanes\": %d, \"top_n\": %d, \"max_keys\": %d, "
           "\"v_bits\": %d, \"load_width\": %d, \"selector\": \"%s\", \"sort_cut\": \"%s\", "
           "\"sort_cut_level\": %d, \"etab_shadow\": \"%s\", \"etab_addr_width\": %d, \"av_fan\": %d, "
           "\"groups\": "
           "%d, \"av_slots\": %d, \"acc_width\": %d, "
           "\"wsum_width\": %d, "
           "\"recip_q\": %d, \"out_width\": %d, \"recip_cycles\": %d, \"norm_mults\": %d, "
           "\"norm_mul_cycles\": %d, \"ii_cycles\": %d}\n",
           hg_core_name(c->core), c->d, c->p, c->n, c->l, c->vb, c->lw, hg_sel_name(c->sel),
           hg_cut_name(c->cut), c->kc, c->shadow ? "on" : "off", c->xw, c->fan, c->g, c->r, c->accw, c->wsw,
           c->rq, c->ow, c->cr, c->mn, c->cm, c->ii);
}

/* Writes the core of c into out (created, or replaced with force) and removes the files of
   an earlier generation that this one no longer writes: the exit status. */
static int generate(const hg_cfg *c, const char *out, int force, int argc, char **argv)
{
    char err[512];
    int created = prepare_dir(out, force);
    static old_name old[HG_OLD_MAX];
    int nold = created ? 0 : previous_files(out, old);
    char *cmd = join_cmdline(argc, argv);
    int rc = cmd ? hg_emit_core(c, out, cmd, err, sizeof err) : -1;
    if (!cmd) snprintf(err, sizeof err, "out of memory");
    free(cmd);
    if (rc != 0) {
        fprintf(stderr, "hadgen: %s%s\n", err, created ? "" : "; the directory is unchanged");
        if (created) rmdir(out);
        return rc == -2 ? 2 : 1;
    }
    remove_stale(out, old, nold);
    return 0;
}

int main(int argc, char **argv)
{
    struct option opts[32];
    build_options(opts);
    hg_cfg c;
    hg_cfg_default(&c, HG_CORE_HAD);
    const char *out = NULL, *config = NULL;
    int force = 0, dry = 0, ch, idx = 0, cfg_opts = 0;
    char err[512];
    opterr = 0;
    if (refuse_control_chars(argc, argv) != 0) return 2;
    while ((ch = getopt_long(argc, argv, ":", opts, &idx)) != -1) {
        switch (ch) {
        case HG_OPT_CFG:
            if (hg_cfg_set(&c, opts[idx].name, optarg, err, sizeof err) != 0) {
                fprintf(stderr, "hadgen: %s\n", err);
                return 2;
            }
            cfg_opts = 1;
            break;
        case O_CONFIG: config = optarg; break;
        case O_OUT: out = optarg; break;
        case O_FORCE: force = 1; break;
        case O_DRY: dry = 1; break;
        case O_HELP: usage(stdout); return 0;
        case O_VERSION: printf("hadgen %s\n", HADGEN_VERSION); return 0;
        case O_LIST_CORES:
            for (int k = 0; k < HG_NCORES; k++) printf("%s\n", hg_core_name((hg_core_kind)k));
            return 0;
        case ':':
            fprintf(stderr, "hadgen: option '%s' needs a value (see --help)\n", argv[optind - 1]);
            return 2;
        default: fprintf(stderr, "hadgen: unknown option '%s' (see --help)\n", argv[optind - 1]); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hadgen: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    if (config && cfg_opts) {
        fprintf(stderr, "hadgen: --config sets the whole configuration; give either --config or"
                        " configuration options (--core, --d, ...), not both\n");
        return 2;
    }
    if (config) {
        if (load_config(&c, config) != 0) return 2;
    } else if (hg_cfg_finish(&c, err, sizeof err) != 0) {
        fprintf(stderr, "hadgen: %s\n", err);
        return 2;
    }
    if (dry) {
        print_derived(&c);
        return 0;
    }
    if (!out) {
        fprintf(stderr, "hadgen: --out DIR is required (see --help)\n");
        return 2;
    }
    return generate(&c, out, force, argc, argv);
}
