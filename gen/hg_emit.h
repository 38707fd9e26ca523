/*
 * hg_emit.h — emits the Verilog of one core configuration and its manifest.
 */
#ifndef HG_EMIT_H
#define HG_EMIT_H

#include "hg_config.h"

/* Writes every module of configuration c (one module per file), filelist.f (files in
   dependency order) and manifest.json into directory dir, which must exist. cmdline is the
   command line recorded in every file header. Returns 0, or -1 with a message in err (the
   file that could not be written and why). Output is a pure function of (c, cmdline). */
int hg_emit_core(const hg_cfg *c, const char *dir, const char *cmdline, char *err,
                 size_t errlen);

#endif
