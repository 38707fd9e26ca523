/* sy_manifest.h — the flow's reading of a core's manifest: sw/base's reader (hg_manifest.h),
 * then every file it names registered as an input of this run (sy_io.h), so that no output
 * of hgsynth is written over manifest.json, filelist.f or a module's Verilog. */
#ifndef SY_MANIFEST_H
#define SY_MANIFEST_H

#include <stddef.h>

#include "hg_manifest.h"

/* hg_manifest_read(dir), then sy_input_check on DIR/manifest.json, DIR/filelist.f when
 * present, and every module's file and sources. Returns NULL with a message (the reader's,
 * or the file's that is refused as an input) on bad input. */
hg_manifest *sy_manifest_load(const char *dir, char *err, size_t errlen);

/* hg_fnv1a of the manifest text: which RTL a run was planned from. */
unsigned long long sy_manifest_hash(const hg_manifest *m);

#endif
