/*
 * hg_manifest.h — the one reader of the manifest.json hadgen writes beside a core's RTL: its
 * configuration numbers, blocks, units (modules) with their ports, memory geometry, the
 * hand-written block and parameter values each is, the cells that are other units, whether the
 * power flow captures it, and the file order of filelist.f. The synthesis flow (hgsynth) and
 * the simulation probes (sim/hs_probes.c) read it through here. (hadgen --config reads only
 * the configuration, through hg_cfg_from_manifest, which validates it as hg_cfg_set does.)
 */
#ifndef HG_MANIFEST_H
#define HG_MANIFEST_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { HG_DIR_IN, HG_DIR_OUT, HG_DIR_INOUT } hg_dir;

typedef struct {
    char *name;
    hg_dir dir;
    int width;
} hg_mport;

typedef struct {
    char *name;
    char *file; /* relative to the RTL directory */
    int nsources;
    char **sources; /* files its body needs besides its own (hand-written blocks), or none */
    char *block;    /* one of the manifest's blocks */
    int instances;  /* total count in the design */
    int is_memory;
    long words, width; /* memories only */
    int read_ports, write_ports;
    int nports;
    hg_mport *ports;
    char *module; /* the Verilog module that is this unit: "module" (a hand-written block used
                     with the parameter values below), else the unit's own name */
    int nparams;  /* "params": the parameter values of that module */
    char **param_names;
    long *param_values;
    int nchildren;      /* "children": its cells that are instances of other units */
    char **child_cells; /* cell name in the module ("g_lane[0].u_lane") */
    char **child_units; /* the unit instantiated (a module of the manifest) */
    int capture;        /* "capture": 1 the power flow captures its ports, 0 not, -1 absent */
} hg_mmod;

typedef struct {
    char *dir; /* RTL directory */
    char *top;
    char *core;                       /* params.core, or "" */
    char *command;                    /* generator command line, or "" */
    double d, lanes, top_n, max_keys; /* params (0 when absent) */
    double weight_bits, exp_frac_bits, out_frac;
    double v_bits;     /* params.v_bits, 2..8 (8 when absent: before --v-bits) */
    double load_width; /* params.load_width, keys per K/V load beat (1 when absent: before --load-width) */
    char *prefix;      /* params.prefix, or "" */
    char *selector;    /* params.selector, or "" (a manifest from before the selector: merge) */
    char *sort_cut;    /* params.sort_cut, or "" (a manifest from before the option: auto) */
    int etab_shadow;   /* params.etab_shadow "on": 1; "off" or absent (before the option): 0 */
    char av_fan[16];   /* params.av_fan as --av-fan takes it: "auto", "off" or a group size ("32");
                          "auto" when absent (before the option) */
    double ii_cycles;  /* derived.ii_cycles (0 when absent) */
    int nblocks;
    char **blocks; /* "blocks": every module's block is one, in report order */
    int nmods;
    hg_mmod *mods;
    int nfiles;
    char **files;    /* filelist.f order (or manifest order when absent) */
    char *json;      /* the manifest text, for copying params into reports */
    size_t json_len; /* its bytes */
} hg_manifest;

/* Longest name (identifier or file name) a manifest may hold, and its largest file. */
#define HG_MANIFEST_MAX_NAME  255
#define HG_MANIFEST_MAX_BYTES (64L << 20)

/* Reads DIR/manifest.json (and DIR/filelist.f when present; both through hg_file_read, at
 * most HG_MANIFEST_MAX_BYTES). On bad input returns NULL with a message naming the file, the
 * field and the value. Every name that reaches a shell, Tcl, Yosys or Verilog text is
 * checked: top, module and port names are identifiers of at most HG_MANIFEST_MAX_NAME
 * characters, cells identifiers with optional [index] joined by dots, files plain file names
 * of DIR ([A-Za-z0-9_][A-Za-z0-9_.-]*) that are regular files there, params.core letters,
 * digits, '_' and '-', params.prefix an identifier, params.selector a selector hg_sel_parse knows; numbers are integers within stated
 * ranges; every child is a unit of the manifest and the top is one. Out of memory aborts. */
hg_manifest *hg_manifest_read(const char *dir, char *err, size_t errlen);
void hg_manifest_free(hg_manifest *m);

/* Returns the module called name, or NULL. */
const hg_mmod *hg_manifest_find(const hg_manifest *m, const char *name);
/* Number of capture columns of a module: inputs except clk_i, then outputs. */
int hg_mmod_ncols(const hg_mmod *mod);

/* Most blocks a manifest may list. */
#define HG_MAX_BLOCKS 16

#ifdef __cplusplus
}
#endif
#endif
