/* hr_json.h — JSON helpers shared by the runner's writers (calibration, dumps, results).
 *
 * Non-finite numbers: the tools refuse NaN and Inf on input, and never print them into
 * JSON (JSON has no such numbers): a non-finite value is written as null, which every
 * reader then refuses as "not a number". */
#ifndef HR_JSON_H
#define HR_JSON_H

#include <cjson/cJSON.h>

/* Adds v printed with the fewest digits (15..17) that read back as the same double, so a
   saved value loads bit-identical (cJSON's own printing may round); null if v is NaN or
   Inf. */
void hr_json_add_exact(cJSON *o, const char *key, double v);
/* The same number as an item of its own (for arrays). */
cJSON *hr_json_exact(double v);

/* Writes root, printed, and a final newline to path, through a temporary file in the same
   folder and rename (the previous file stays if it fails). Returns 0, or -1 if it cannot. */
int hr_json_write(const char *path, const cJSON *root);

#endif
