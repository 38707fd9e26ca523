/* sy_manifest.h — reads the manifest.json the generator writes beside the RTL. */
#ifndef SY_MANIFEST_H
#define SY_MANIFEST_H

#include <stddef.h>

typedef enum { SY_DIR_IN, SY_DIR_OUT, SY_DIR_INOUT } sy_dir;

typedef struct {
    char *name;
    sy_dir dir;
    int width;
} sy_mport;

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
    sy_mport *ports;
    char *module; /* the Verilog module that is this unit: "module" (a hand-written block used
                     with the parameter values below), else the unit's own name */
    int nparams;  /* "params": the parameter values of that module */
    char **param_names;
    long *param_values;
    int nchildren;      /* "children": its cells that are instances of other units */
    char **child_cells; /* cell name in the module ("g_lane[0].u_lane") */
    char **child_units; /* the unit instantiated (a module of the manifest) */
} sy_mmod;

typedef struct {
    char *dir; /* RTL directory */
    char *top;
    char *core;                       /* params.core, or "" */
    char *command;                    /* generator command line, or "" */
    double d, lanes, top_n, max_keys; /* params (0 when absent) */
    double weight_bits, exp_frac_bits, out_frac;
    char *prefix;        /* params.prefix, or "" */
    double ii_cycles;    /* derived.ii_cycles (0 when absent) */
    int nblocks;
    char **blocks; /* "blocks": every module's block is one, in report order */
    int nmods;
    sy_mmod *mods;
    int nfiles;
    char **files;            /* filelist.f order (or manifest order when absent) */
    char *json;              /* the manifest text, for copying params into reports */
    unsigned long long hash; /* sy_hash of the manifest text: which RTL a run was planned from */
} sy_manifest;

/* Reads DIR/manifest.json (and DIR/filelist.f when present). On bad input returns NULL
 * with a message naming the file, the field and the value. Every name that reaches a shell,
 * Tcl, Yosys or Verilog text is checked: top, module and port names are identifiers
 * (sy_is_ident), files plain file names of DIR (sy_is_filename) that exist as regular
 * files, params.core letters, digits, '_' and '-', params.prefix an identifier; numbers
 * are integers within stated ranges. */
sy_manifest *sy_manifest_read(const char *dir, char *err, size_t errlen);
void sy_manifest_free(sy_manifest *m);

/* Returns the module called name, or NULL. */
const sy_mmod *sy_manifest_find(const sy_manifest *m, const char *name);
/* Number of capture columns of a module: inputs except clk_i, then outputs. */
int sy_mmod_ncols(const sy_mmod *mod);

/* Most blocks a manifest may list. */
#define SY_MAX_BLOCKS 16

#endif
