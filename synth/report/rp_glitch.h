/*
 * rp_glitch.h — glitch factors of the report (hgreport --glitch-timed / --glitch-zero): per
 * core type and block, the power of a timing-annotated gate-level run (GL_SIM=timed: every
 * transition, glitches included) over that of a zero-delay run of the same netlists,
 * instances and activity window (docs/synth.md, "Glitch-aware power").
 */
#ifndef RP_GLITCH_H
#define RP_GLITCH_H

#include "rp_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>

typedef struct rp_glitch {
    int have[RP_NCORES];
    int nblocks;
    char block[RP_MAX_BLOCKS][64];
    double f[RP_NCORES][RP_MAX_BLOCKS]; /* timed / zero-delay block power */
    double window_cycles[RP_NCORES];    /* the activity window both runs cover */
    double instances[RP_NCORES];        /* the instances simulated in each */
    char point[128];                    /* the configuration measured, as "d=.. P=.. N=.. L=.." */
} rp_glitch;

/* Reads the timed and the zero-delay runs ("DIR,DIR,...", one per core type each; the same
   core types, configuration, activity window and simulated instances in both; the timed
   ones GL_SIM=timed, the others not). Bad input: rp_die naming the file and the value. */
void rp_glitch_read(rp_glitch *g, const char *timed, const char *zero);

/* The factor of block `name` of core c; 1 when not measured. */
double rp_glitch_factor(const rp_glitch *g, int c, const char *name);

/* Writes the factors' table into md and "glitch" into root. Nothing when none was read. */
void rp_glitch_section(FILE *md, cJSON *root, const rp_glitch *g);

#endif
