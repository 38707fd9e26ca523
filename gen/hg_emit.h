/*
 * hg_emit.h — emits the Verilog of one core configuration and its manifest.
 */
#ifndef HG_EMIT_H
#define HG_EMIT_H

#include "hg_config.h"

/* Writes every module of configuration c (one module per file), filelist.f (files in
   dependency order) and manifest.json into directory dir, which must exist. cmdline is the
   command line recorded in every file header. Every file is first written under a
   temporary name in dir; only when all are complete are they renamed into place,
   manifest.json last, so a failure leaves dir as it was. A file of the same name that is
   not a regular file hadgen wrote (hg_emit_owned) is never replaced. Returns 0; -1 with a
   message in err (the file that could not be written and why); -2 if an existing file
   would have been replaced (message names it). Output is a pure function of (c, cmdline). */
int hg_emit_core(const hg_cfg *c, const char *dir, const char *cmdline, char *err, size_t errlen);

/* 1 if name is a module file name hadgen can generate: <prefix>_<module>.v with a valid
   prefix and one of the module names of the three core types. Can't fail. */
int hg_emit_generated_name(const char *name);

/* 1 if path is a regular file (not a link) that hadgen wrote: its first 4 KiB hold the
   do-not-edit header (modules, filelist.f) or "generator": "hadgen" (manifest.json). */
int hg_emit_owned(const char *path);

#endif
